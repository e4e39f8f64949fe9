package cmd

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stack/native"
)

const brokerLong = `broker runs a single-node, Kafka-protocol broker (franz-go's kfake) on 127.0.0.1
until SIGINT or SIGTERM. With --data-dir its log, topics and committed offsets
survive a restart; without it everything lives in memory.

'flowctl up --mode events' starts one of these in the background for you.`

func newBrokerCmd(g *globals) *cobra.Command {
	var addr, dataDir string
	c := &cobra.Command{
		Use:   "broker",
		Short: "Run an embedded Kafka-protocol broker (kfake) in the foreground until Ctrl-C",
		Long:  brokerLong,
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if addr == "" {
				addr = stack.Addr(g.stacks.BrokerPort)
			}
			where := "in memory"
			if dataDir != "" {
				where = "data dir " + dataDir
			}
			err := native.RunBroker(c.Context(), native.BrokerConfig{Addr: addr, DataDir: dataDir, Log: g.env.Stderr}, func(a string) {
				fmt.Fprintf(g.env.Stdout, "kafka broker (kfake) ready on %s, %s; Ctrl-C stops it\n", a, where)
			})
			if err == nil {
				fmt.Fprintf(g.env.Stdout, "kafka broker stopped (%s)\n", where)
			}
			return err
		},
	}
	c.Flags().StringVar(&addr, "addr", "", "address to listen on (default 127.0.0.1:<--broker-port>, i.e. 127.0.0.1:9092)")
	c.Flags().StringVar(&dataDir, "data-dir", "", "directory that keeps the broker's state across restarts (default: memory only)")
	return c
}
