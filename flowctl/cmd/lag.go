package cmd

import (
	"github.com/spf13/cobra"

	"github.com/orderflow/flowctl/internal/kafkalog"
	"github.com/orderflow/flowctl/internal/stackmode"
)

const lagLong = `lag asks the broker, for each of the events stack's consumer groups, how far
its committed offsets are behind the end of each partition it reads. A growing
lag is the events-mode face of a slow or stopped service: the orders are
accepted, their events wait here.

  flowctl stop inventory --mode events; flowctl load --mode events --rate 10 --duration 5s &
  flowctl lag`

func newLagCmd(g *globals) *cobra.Command {
	var brokersFlag, mode string
	var asJSON bool
	c := &cobra.Command{
		Use:   "lag [--json]",
		Short: "Show each consumer group's backlog: events written but not yet processed, per partition",
		Long:  lagLong,
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			ctx := c.Context()
			t, err := newDLQTarget(ctx, g, brokersFlag, mode)
			if err != nil {
				return err
			}
			rows, err := kafkalog.StackLag(ctx, t.brokers, t.log)
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(g.env.Stdout, rows)
			}
			return kafkalog.PrintStackLag(g.env.Stdout, t.log, rows)
		},
	}
	c.Flags().StringVar(&brokersFlag, "brokers", "", "Kafka brokers, host:port,… (default: env KAFKA_BROKERS, else 127.0.0.1:<--broker-port>)")
	c.Flags().StringVar(&mode, "mode", string(stackmode.Events), "which events stack: events or events-orchestration")
	c.Flags().BoolVar(&asJSON, "json", false, "print every partition's lag as JSON")
	return c
}
