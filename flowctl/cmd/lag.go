package cmd

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/kafkalog"
)

// groupLag is one consumer group's backlog on one partition.
type groupLag struct {
	Group string `json:"group"`
	kafkalog.PartitionLag
}

func newLagCmd(g *globals) *cobra.Command {
	var brokersFlag string
	var asJSON bool
	c := &cobra.Command{
		Use:   "lag [--json]",
		Short: "Show each consumer group's backlog: events written but not yet processed, per partition",
		Long: `lag asks the broker, for each of the events stack's consumer groups, how far
its committed offsets are behind the end of each partition it reads. A growing
lag is the events-mode face of a slow or stopped service: the orders are
accepted, their events wait here.

  flowctl stop inventory --mode events; flowctl load --mode events --rate 10 --duration 5s &
  flowctl lag`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			ctx := c.Context()
			t, err := newDLQTarget(ctx, g, brokersFlag)
			if err != nil {
				return err
			}
			var rows []groupLag
			for _, cons := range topology.Services {
				group := topology.Group(t.prefix, cons.Name, string(config.ModeEvents))
				topics := topology.Prefixed(t.prefix, cons.Consumes)
				parts, err := kafkalog.GroupLagByPartition(ctx, t.brokers, group, topics)
				if err != nil {
					return fmt.Errorf("lag of %s: %w", group, err)
				}
				for _, p := range parts {
					rows = append(rows, groupLag{Group: group, PartitionLag: p})
				}
			}
			if asJSON {
				return printJSON(g.env.Stdout, rows)
			}
			tw := tabwriter.NewWriter(g.env.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
			fmt.Fprintln(tw, "GROUP\tTOPIC\tPARTITION\tCOMMITTED\tEND\tLAG\t")
			total := map[string]int64{}
			for _, r := range rows {
				committed := fmt.Sprint(r.Committed)
				if r.Committed < 0 {
					committed = "–"
				}
				fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%d\t%d\t\n", r.Group, r.Topic, r.Partition, committed, r.End, r.Lag)
				total[r.Group] += r.Lag
			}
			tw.Flush()
			for _, cons := range topology.Services {
				group := topology.Group(t.prefix, cons.Name, string(config.ModeEvents))
				fmt.Fprintf(g.env.Stdout, "%s: %d events behind\n", group, total[group])
			}
			return nil
		},
	}
	c.Flags().StringVar(&brokersFlag, "brokers", "", "Kafka brokers, host:port,… (default: env KAFKA_BROKERS, else 127.0.0.1:<--broker-port>)")
	c.Flags().BoolVar(&asJSON, "json", false, "print every partition's lag as JSON")
	return c
}
