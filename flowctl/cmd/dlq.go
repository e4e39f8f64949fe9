package cmd

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/orderflow/platform/kafkaconf"

	"github.com/orderflow/flowctl/internal/deadletter"
	"github.com/orderflow/flowctl/internal/explain"
	"github.com/orderflow/flowctl/internal/kafkalog"
	"github.com/orderflow/flowctl/internal/stackmode"
)

const dlqLong = `dlq reads the dead-letter topics of the events stack (orders.v1.dlq,
inventory.v1.dlq, invoicing.v1.dlq, under KAFKA_TOPIC_PREFIX if set): the events
a consumer gave up on, with why, where they came from and which group failed.
--mode events-orchestration reads the orchestrated stack's (its command and
reply topics', under KAFKA_TOPIC_PREFIX and "orch.").

redrive publishes selected dead letters again to their original topic, with
their key, value and headers (the dlq-* ones dropped, redriven-from added). A
dead letter is redriven once: a second redrive skips it. An event that is still
invalid is dead-lettered again and comes back to the DLQ at a new offset.

  flowctl dlq list
  flowctl dlq redrive --event-id 6f1c… --dry-run
  flowctl dlq redrive --topic orders.v1.dlq
  flowctl dlq redrive --all

Broker: --brokers, else KAFKA_BROKERS, else 127.0.0.1:<--broker-port> (9092, where
both the embedded broker and the Docker Kafka listen).`

func newDLQCmd(g *globals) *cobra.Command {
	var brokersFlag, mode string
	c := &cobra.Command{
		Use:   "dlq",
		Short: "List and redrive dead letters (events stack)",
		Long:  dlqLong,
	}
	c.PersistentFlags().StringVar(&brokersFlag, "brokers", "", "Kafka brokers, host:port,… (default: env KAFKA_BROKERS, else 127.0.0.1:<--broker-port>)")
	c.PersistentFlags().StringVar(&mode, "mode", string(stackmode.Events), "which events stack: events or events-orchestration")
	target := func(ctx context.Context) (dlqTarget, error) { return newDLQTarget(ctx, g, brokersFlag, mode) }
	c.AddCommand(newDLQListCmd(g, target), newDLQRedriveCmd(g, target))
	return c
}

// dlqTarget is the broker and the stack's log the dlq and lag commands work on.
type dlqTarget struct {
	brokers []string
	log     kafkalog.Log
}

// newDLQTarget resolves the brokers and checks that one answers, so that a
// stopped stack reads as one line saying what to do.
func newDLQTarget(ctx context.Context, g *globals, flag, mode string) (dlqTarget, error) {
	m, err := stackmode.Parse(mode)
	if err != nil {
		return dlqTarget{}, err
	}
	if !m.Kafka() {
		return dlqTarget{}, fmt.Errorf("--mode %s has no Kafka: use --mode events or --mode events-orchestration", m)
	}
	t := dlqTarget{log: kafkalog.LogOf(m, g.stacks.TopicPrefix), brokers: g.stacks.BrokersOr(flag)}
	if err := kafkaconf.Ping(ctx, t.brokers); err != nil {
		return t, fmt.Errorf("no Kafka broker answers at %s; start the %s stack with `flowctl up --mode %s` or pass --brokers", strings.Join(t.brokers, ","), m, m)
	}
	return t, nil
}

func newDLQListCmd(g *globals, target func(context.Context) (dlqTarget, error)) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "list [--json]",
		Short: "List the dead letters of the three dead-letter topics, oldest first",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			t, err := target(c.Context())
			if err != nil {
				return err
			}
			entries, err := kafkalog.ListDLQ(c.Context(), t.brokers, t.log)
			if err != nil {
				return explain.Interrupted(c.Context(), fmt.Errorf("list dead letters: %w", err))
			}
			if asJSON {
				views := make([]deadletter.View, 0, len(entries))
				for _, e := range entries {
					views = append(views, deadletter.ViewOf(e))
				}
				return printJSON(g.env.Stdout, views)
			}
			if len(entries) == 0 {
				return deadletter.PrintNone(c.Context(), g.env.Stdout, t.brokers, t.log)
			}
			return deadletter.PrintList(g.env.Stdout, entries)
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON (key and value as text; a value that is JSON stays JSON)")
	return c
}

type redriveFlags struct {
	all, dryRun, asJSON bool
	ids                 []string
	topic               string
	target              func(context.Context) (dlqTarget, error)
}

func newDLQRedriveCmd(g *globals, target func(context.Context) (dlqTarget, error)) *cobra.Command {
	f := &redriveFlags{target: target}
	c := &cobra.Command{
		Use:   "redrive (--all | --event-id ID… | --topic orders.v1.dlq) [--dry-run] [--json]",
		Short: "Publish selected dead letters again to their original topic, each at most once",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runRedrive(c, g, f)
		},
	}
	fl := c.Flags()
	fl.BoolVar(&f.all, "all", false, "every dead letter not redriven yet")
	fl.StringSliceVar(&f.ids, "event-id", nil, "the dead letter(s) of this event id, or of the one id it is the start of (repeat or comma-separate)")
	fl.StringVar(&f.topic, "topic", "", "every dead letter of one dead-letter topic: orders.v1.dlq, inventory.v1.dlq or invoicing.v1.dlq")
	fl.BoolVar(&f.dryRun, "dry-run", false, "show what would be republished; write nothing")
	fl.BoolVar(&f.asJSON, "json", false, "print JSON")
	c.MarkFlagsOneRequired("all", "event-id", "topic")
	c.MarkFlagsMutuallyExclusive("all", "event-id", "topic")
	return c
}

// fullIDs are --event-id's ids made whole: a short id (a unique prefix, as
// scenarios print them) names the dead letter it starts.
func (f *redriveFlags) fullIDs(ctx context.Context, t dlqTarget) ([]string, error) {
	if len(f.ids) == 0 {
		return nil, nil
	}
	entries, err := kafkalog.ListDLQ(ctx, t.brokers, t.log)
	if err != nil {
		return nil, explain.Interrupted(ctx, fmt.Errorf("list dead letters: %w", err))
	}
	return deadletter.ResolveIDs(f.ids, entries)
}

func runRedrive(c *cobra.Command, g *globals, f *redriveFlags) error {
	t, err := f.target(c.Context())
	if err != nil {
		return err
	}
	ids, err := f.fullIDs(c.Context(), t)
	if err != nil {
		return err
	}
	sel, unmatched, err := deadletter.Selector(t.log, f.all, ids, f.topic)
	if err != nil {
		return err
	}
	res, rerr := kafkalog.Redrive(c.Context(), t.brokers, t.log, sel, f.dryRun)
	// What was republished before an error is still shown.
	if f.asJSON {
		views := make([]deadletter.RedriveView, 0, len(res))
		for _, r := range res {
			views = append(views, deadletter.RedriveViewOf(r))
		}
		if err := printJSON(g.env.Stdout, views); err != nil {
			return err
		}
	} else {
		deadletter.PrintRedriven(g.env.Stdout, res, f.dryRun)
	}
	if rerr != nil {
		return explain.Interrupted(c.Context(), rerr)
	}
	if missing := unmatched(); len(missing) > 0 {
		return fmt.Errorf("no dead letter has event id %s (see `flowctl dlq list`)", strings.Join(missing, ", "))
	}
	return nil
}
