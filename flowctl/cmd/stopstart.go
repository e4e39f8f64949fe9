package cmd

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/orderflow/flowctl/internal/explain"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// The Kafka broker's name on the command line.
const brokerTarget = "kafka"

func newStopCmd(g *globals) *cobra.Command {
	return newStopStartCmd(g, "stop", "Stop one service of a running stack, or the Kafka broker (process or container)",
		`stop stops one service of a running stack — its process natively, its
container with Docker — or the Kafka broker, so you can watch what the other
mode does about it. Its data stays; 'flowctl start' brings it back.

  flowctl stop inventory --mode events      then place orders: they wait
  flowctl stop kafka                        events keep arriving in the outbox`)
}

func newStartCmd(g *globals) *cobra.Command {
	return newStopStartCmd(g, "start", "Start a service or the broker that 'flowctl stop' stopped, and wait until it is ready",
		`start starts one service of a stack, or the Kafka broker, again and returns
once it answers (/readyz for a service, a metadata request for the broker).

  flowctl start inventory --mode events
  flowctl start kafka`)
}

func newStopStartCmd(g *globals, verb, short, long string) *cobra.Command {
	var mode string
	c := &cobra.Command{
		Use:   verb + " SERVICE|kafka [--mode sync|events|events-orchestration]",
		Short: short,
		Long:  long,
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			ctx := c.Context()
			target := args[0]
			var m stackmode.Mode
			if target != brokerTarget {
				var err error
				if m, target, err = faultTarget(mode, target); err != nil {
					return fmt.Errorf("%w (or %s for the broker)", err, brokerTarget)
				}
			}
			return stopStart(ctx, g, verb, target, m)
		},
	}
	c.Flags().StringVar(&mode, "mode", "", "which stack the service belongs to: sync, events or events-orchestration")
	return c
}

// stopStart stops or starts (verb) target, a service of mode's stack or
// the broker, and says so.
func stopStart(ctx context.Context, g *globals, verb, target string, m stackmode.Mode) error {
	ctl, err := controlOf(ctx, g, m)
	if err != nil {
		return err
	}
	w := g.env.Stdout
	switch {
	case target == brokerTarget && verb == "stop":
		was, err := ctl.StopBroker(ctx)
		if err != nil {
			return err
		}
		if !was {
			fmt.Fprintln(w, "no broker of flowctl's was running")
			return nil
		}
		fmt.Fprintf(w, "stopped the Kafka broker (%s); `flowctl start kafka` brings it back\n", ctl.Runtime())
	case target == brokerTarget:
		if err := ctl.StartBroker(ctx); err != nil {
			return err
		}
		fmt.Fprintf(w, "the Kafka broker answers again (%s)\n", ctl.Runtime())
	case verb == "stop":
		if err := ctl.StopService(ctx, m, target); err != nil {
			return err
		}
		fmt.Fprintf(w, "stopped %s (%s, %s); `flowctl start %s --mode %s` brings it back\n", target, m, ctl.Runtime(), target, m)
	default:
		if err := ctl.StartService(ctx, m, target); err != nil {
			return explain.StartFailure(g.env.Stderr, err)
		}
		fmt.Fprintf(w, "%s (%s, %s) is ready\n", target, m, ctl.Runtime())
	}
	return nil
}

// controlOf is the runtime the stacks run in (stack.Stacks.Runtime); for a
// service (mode set), it checks that mode's stack runs there.
func controlOf(ctx context.Context, g *globals, mode stackmode.Mode) (stack.Runtime, error) {
	rt, err := g.stacks.Runtime(ctx)
	if err != nil {
		return nil, err
	}
	if mode != "" {
		if err := rt.Running(ctx, mode); err != nil {
			return nil, err
		}
	}
	return rt, nil
}
