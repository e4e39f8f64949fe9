package cmd

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/orderflow/platform/config"

	"github.com/orderflow/flowctl/internal/scenario"
	"github.com/orderflow/flowctl/internal/stack"
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
		Use:   verb + " SERVICE|kafka [--mode sync|events]",
		Short: short,
		Long:  long,
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			ctx := c.Context()
			target := args[0]
			var m config.Mode
			if target != brokerTarget {
				var err error
				if m, target, err = faultTarget(mode, target); err != nil {
					return fmt.Errorf("%w (or %s for the broker)", err, brokerTarget)
				}
			}
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
					return explainStartError(g.env.Stderr, err)
				}
				fmt.Fprintf(w, "%s (%s, %s) is ready\n", target, m, ctl.Runtime())
			}
			return nil
		},
	}
	c.Flags().StringVar(&mode, "mode", "", "which stack the service belongs to: sync or events")
	return c
}

// controlOf is the control of the runtime the stacks run in: Docker when the
// compose project has containers (and --runtime allows it), else the native
// processes under the run dir. mode is the stack a service belongs to ("" for
// the broker).
func controlOf(ctx context.Context, g *globals, mode config.Mode) (scenario.Control, error) {
	l, err := g.layout()
	if err != nil {
		return nil, err
	}
	rt, _ := stack.ParseRuntime(g.runtime)
	if rt != stack.RuntimeNative {
		compose, err := stack.FindCompose(ctx, l.Root, g.env.Getenv)
		if err == nil {
			if out, _ := compose.Output(ctx, "ps", "-q"); strings.TrimSpace(out) != "" || rt == stack.RuntimeDocker {
				return stack.NewDockerControl(compose, g.env.Getenv), nil
			}
		} else if rt == stack.RuntimeDocker {
			return nil, fmt.Errorf("--runtime docker: %w", err)
		}
	}
	opts := map[config.Mode]stack.Options{}
	stacks := map[config.Mode]stack.Stack{}
	for _, m := range stack.Modes {
		o := stack.Options{Layout: l, Mode: m, PortBase: g.portBase, BrokerPort: g.brokerPort, Getenv: g.env.Getenv, Self: g.env.Self, Progress: io.Discard}
		st := stack.Stack{Mode: m, URLs: stack.StackURLs(g.portBase, m), Jaeger: stack.Answers(ctx, stack.JaegerUI)}
		if m == config.ModeEvents {
			st.Brokers = brokerList(g, "")
		}
		opts[m], stacks[m] = o, st
	}
	if mode != "" {
		if _, ok := stack.RunningFromPIDFile(l.ServicePID(mode, stack.Services[0])); !ok {
			if _, ok := stack.RunningFromPIDFile(l.ServicePID(mode, stack.Services[1])); !ok {
				return nil, fmt.Errorf("no %s stack of flowctl's runs here (run dir %s): start it with `flowctl up --mode %s`", mode, l.Rel(l.RunDir), mode)
			}
		}
	}
	return stack.NewNativeControl(opts, stacks), nil
}

// brokerList is where the events stack's broker is: the --brokers flag when
// given, else KAFKA_BROKERS, else the embedded one on --broker-port.
func brokerList(g *globals, flag string) []string {
	list := flag
	if strings.TrimSpace(list) == "" {
		list = g.env.Getenv("KAFKA_BROKERS")
	}
	if strings.TrimSpace(list) == "" {
		list = stack.Addr(g.brokerPort)
	}
	var out []string
	for b := range strings.SplitSeq(list, ",") {
		if b = strings.TrimSpace(b); b != "" {
			out = append(out, b)
		}
	}
	return out
}
