package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/kafkaconf"

	"github.com/orderflow/flowctl/internal/kafkalog"
)

func newDLQCmd(g *globals) *cobra.Command {
	var brokersFlag string
	c := &cobra.Command{
		Use:   "dlq",
		Short: "List and redrive dead letters (events stack)",
		Long: `dlq reads the dead-letter topics of the events stack (orders.v1.dlq,
inventory.v1.dlq, invoicing.v1.dlq, under KAFKA_TOPIC_PREFIX if set): the events
a consumer gave up on, with why, where they came from and which group failed.

redrive publishes selected dead letters again to their original topic, with
their key, value and headers (the dlq-* ones dropped, redriven-from added). A
dead letter is redriven once: a second redrive skips it. An event that is still
invalid is dead-lettered again and comes back to the DLQ at a new offset.

  flowctl dlq list
  flowctl dlq redrive --event-id 6f1c… --dry-run
  flowctl dlq redrive --topic orders.v1.dlq
  flowctl dlq redrive --all

Broker: --brokers, else KAFKA_BROKERS, else 127.0.0.1:<--broker-port> (9092, where
both the embedded broker and the Docker Kafka listen).`,
	}
	c.PersistentFlags().StringVar(&brokersFlag, "brokers", "", "Kafka brokers, host:port,… (default: env KAFKA_BROKERS, else 127.0.0.1:<--broker-port>)")
	target := func(ctx context.Context) (dlqTarget, error) { return newDLQTarget(ctx, g, brokersFlag) }
	c.AddCommand(newDLQListCmd(g, target), newDLQRedriveCmd(g, target))
	return c
}

// dlqTarget is the broker and topic prefix the dlq commands work on.
type dlqTarget struct {
	brokers []string
	prefix  string
}

// newDLQTarget resolves the brokers and checks that one answers, so that a
// stopped stack reads as one line saying what to do.
func newDLQTarget(ctx context.Context, g *globals, flag string) (dlqTarget, error) {
	t := dlqTarget{prefix: g.env.Getenv("KAFKA_TOPIC_PREFIX"), brokers: brokerList(g, flag)}
	if err := kafkaconf.Ping(ctx, t.brokers); err != nil {
		return t, fmt.Errorf("no Kafka broker answers at %s; start the events stack with `flowctl up --mode events` or pass --brokers", strings.Join(t.brokers, ","))
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
			entries, err := kafkalog.ListDLQ(c.Context(), t.brokers, t.prefix)
			if err != nil {
				return ctxErr(c.Context(), fmt.Errorf("list dead letters: %w", err))
			}
			if asJSON {
				views := make([]dlqView, 0, len(entries))
				for _, e := range entries {
					views = append(views, dlqViewOf(e))
				}
				return printJSON(g.env.Stdout, views)
			}
			if len(entries) == 0 {
				return dlqNoDeadLetters(c.Context(), g.env.Stdout, t)
			}
			return dlqPrintList(g.env.Stdout, entries)
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON (key and value as text; a value that is JSON stays JSON)")
	return c
}

// dlqNoDeadLetters tells an empty DLQ from dead-letter topics that do not exist
// (a stack that never ran, or another KAFKA_TOPIC_PREFIX).
func dlqNoDeadLetters(ctx context.Context, w io.Writer, t dlqTarget) error {
	topics := kafkalog.DLQTopics(t.prefix)
	missing, err := kafkalog.MissingTopics(ctx, t.brokers, topics...)
	if err != nil {
		return fmt.Errorf("list dead letters: %w", err)
	}
	if len(missing) == len(topics) {
		fmt.Fprintf(w, "no dead-letter topics on %s (%s): has the events stack run here", strings.Join(t.brokers, ","), strings.Join(topics, ", "))
		if t.prefix != "" {
			fmt.Fprintf(w, " with KAFKA_TOPIC_PREFIX=%s", t.prefix)
		}
		fmt.Fprintln(w, "?")
		return nil
	}
	fmt.Fprintln(w, "0 dead letters")
	return nil
}

func dlqPrintList(w io.Writer, entries []kafkalog.DLQEntry) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tDLQ\tORIGINAL\tTYPE\tEVENT ID\tORDER\tREDRIVE\tERROR")
	redriven, back := 0, 0
	for _, e := range entries {
		state := "–"
		switch {
		case e.RedrivenTo != nil:
			state = "→ " + e.RedrivenTo.String()
			redriven++
		case e.RedrivenFrom != nil:
			state = "back from " + e.RedrivenFrom.String()
		}
		if e.RedrivenFrom != nil {
			back++
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
			e.Time.Local().Format("2006-01-02 15:04:05"), e.Position(), dlqOriginal(e), dlqDash(e.EventType), dlqDash(e.EventID),
			dlqDash(dlqShort(e.OrderID, 8)), state, dlqShort(dlqOneLine(e.Error), 100))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "%s, %d redriven", dlqPlural(len(entries), "dead letter"), redriven)
	if back > 0 {
		fmt.Fprintf(w, ", %d came back after a redrive (still invalid)", back)
	}
	fmt.Fprintln(w)
	return nil
}

func newDLQRedriveCmd(g *globals, target func(context.Context) (dlqTarget, error)) *cobra.Command {
	var all, dryRun, asJSON bool
	var ids []string
	var topic string
	c := &cobra.Command{
		Use:   "redrive (--all | --event-id ID… | --topic orders.v1.dlq) [--dry-run] [--json]",
		Short: "Publish selected dead letters again to their original topic, each at most once",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			t, err := target(c.Context())
			if err != nil {
				return err
			}
			sel, unmatched, err := dlqRedriveSelector(t.prefix, all, ids, topic)
			if err != nil {
				return err
			}
			res, rerr := kafkalog.Redrive(c.Context(), t.brokers, t.prefix, sel, dryRun)
			// What was republished before an error is still shown.
			if asJSON {
				views := make([]redriveView, 0, len(res))
				for _, r := range res {
					views = append(views, redriveView{Outcome: r.Outcome, DLQ: r.Entry.Position(), To: r.To, EventType: r.Entry.EventType,
						EventID: r.Entry.EventID, OrderID: r.Entry.OrderID, Error: r.Entry.Error})
				}
				if err := printJSON(g.env.Stdout, views); err != nil {
					return err
				}
			} else {
				dlqPrintRedriven(g.env.Stdout, res, dryRun)
			}
			if rerr != nil {
				return ctxErr(c.Context(), rerr)
			}
			if missing := unmatched(); len(missing) > 0 {
				return fmt.Errorf("no dead letter has event id %s (see `flowctl dlq list`)", strings.Join(missing, ", "))
			}
			return nil
		},
	}
	f := c.Flags()
	f.BoolVar(&all, "all", false, "every dead letter not redriven yet")
	f.StringSliceVar(&ids, "event-id", nil, "the dead letter(s) of this event id (repeat or comma-separate)")
	f.StringVar(&topic, "topic", "", "every dead letter of one dead-letter topic: orders.v1.dlq, inventory.v1.dlq or invoicing.v1.dlq")
	f.BoolVar(&dryRun, "dry-run", false, "show what would be republished; write nothing")
	f.BoolVar(&asJSON, "json", false, "print JSON")
	c.MarkFlagsOneRequired("all", "event-id", "topic")
	c.MarkFlagsMutuallyExclusive("all", "event-id", "topic")
	return c
}

// dlqRedriveSelector turns the selection flags into Redrive's selector, and a
// function that says, after the redrive, which requested event ids matched
// no dead letter.
func dlqRedriveSelector(prefix string, all bool, ids []string, topic string) (func(kafkalog.DLQEntry) bool, func() []string, error) {
	none := func() []string { return nil }
	switch {
	case all:
		return func(kafkalog.DLQEntry) bool { return true }, none, nil
	case topic != "":
		// Accept the DLQ's name or its original topic's, with or without the prefix.
		base := strings.TrimSuffix(strings.TrimPrefix(topic, prefix), events.DLQ(""))
		if !slices.Contains([]string{events.TopicOrders, events.TopicInventory, events.TopicInvoicing}, base) {
			return nil, nil, fmt.Errorf("--topic %q: use one of %s", topic, strings.Join(kafkalog.DLQTopics(""), ", "))
		}
		want := prefix + events.DLQ(base)
		return func(e kafkalog.DLQEntry) bool { return e.Topic == want }, none, nil
	}
	matched := map[string]bool{}
	for _, id := range ids {
		if id = strings.TrimSpace(id); id != "" {
			matched[id] = false
		}
	}
	if len(matched) == 0 {
		return nil, nil, fmt.Errorf("--event-id: give at least one event id (see `flowctl dlq list`)")
	}
	sel := func(e kafkalog.DLQEntry) bool {
		if _, ok := matched[e.EventID]; ok {
			matched[e.EventID] = true
			return true
		}
		return false
	}
	unmatched := func() []string {
		var out []string
		for id, ok := range matched {
			if !ok {
				out = append(out, id)
			}
		}
		slices.Sort(out)
		return out
	}
	return sel, unmatched, nil
}

func dlqPrintRedriven(w io.Writer, res []kafkalog.Redriven, dryRun bool) {
	if len(res) == 0 {
		fmt.Fprintln(w, "no dead letters selected: nothing to redrive")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "OUTCOME\tDLQ\tTO\tTYPE\tEVENT ID\tORDER")
	counts := map[kafkalog.Outcome]int{}
	for _, r := range res {
		counts[r.Outcome]++
		outcome, to := "republished", r.To.String()
		switch r.Outcome {
		case kafkalog.WouldPublish:
			outcome, to = "would republish", r.To.Topic
			if r.To.Partition >= 0 {
				to += "/" + strconv.Itoa(r.To.Partition)
			}
		case kafkalog.AlreadyRedriven:
			outcome, to = "skipped (redriven before)", r.To.String()
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", outcome, r.Entry.Position(), to, dlqDash(r.Entry.EventType), dlqDash(r.Entry.EventID), dlqDash(dlqShort(r.Entry.OrderID, 8)))
	}
	tw.Flush()
	skipped := ""
	if n := counts[kafkalog.AlreadyRedriven]; n > 0 {
		skipped = fmt.Sprintf("; skipped %s redriven before", dlqPlural(n, "dead letter"))
	}
	if dryRun {
		fmt.Fprintf(w, "dry run: would republish %s%s; nothing was written\n", dlqPlural(counts[kafkalog.WouldPublish], "dead letter"), skipped)
	} else {
		fmt.Fprintf(w, "republished %s%s\n", dlqPlural(counts[kafkalog.Published], "dead letter"), skipped)
	}
	if counts[kafkalog.Published]+counts[kafkalog.WouldPublish] > 0 {
		fmt.Fprintln(w, "An event that is still invalid is dead-lettered again: it comes back to the DLQ at a new offset (see `flowctl dlq list`).")
	}
}

// dlqView is a dead letter for --json: key and value as text, a value that
// is JSON kept as JSON.
type dlqView struct {
	Time         time.Time          `json:"time"`
	DLQ          kafkalog.Position  `json:"dlq"`
	Original     kafkalog.Position  `json:"original"`
	Group        string             `json:"group"`
	Error        string             `json:"error"`
	EventType    string             `json:"event_type"`
	EventID      string             `json:"event_id"`
	OrderID      string             `json:"order_id"`
	Key          string             `json:"key"`
	Value        any                `json:"value"`
	Headers      map[string]string  `json:"headers"`
	RedrivenTo   *kafkalog.Position `json:"redriven_to,omitempty"`
	RedrivenFrom *kafkalog.Position `json:"redriven_from,omitempty"`
}

func dlqViewOf(e kafkalog.DLQEntry) dlqView {
	var value any = string(e.Value)
	if json.Valid(e.Value) {
		value = json.RawMessage(e.Value)
	}
	return dlqView{
		Time: e.Time, DLQ: e.Position(),
		Original: kafkalog.Position{Topic: e.OriginalTopic, Partition: e.OriginalPartition, Offset: e.OriginalOffset},
		Group:    e.Group, Error: e.Error, EventType: e.EventType, EventID: e.EventID, OrderID: e.OrderID,
		Key: string(e.Key), Value: value, Headers: e.Headers, RedrivenTo: e.RedrivenTo, RedrivenFrom: e.RedrivenFrom,
	}
}

// redriveView is one redriven dead letter for --json.
type redriveView struct {
	Outcome   kafkalog.Outcome  `json:"outcome"`
	DLQ       kafkalog.Position `json:"dlq"`
	To        kafkalog.Position `json:"to"`
	EventType string            `json:"event_type"`
	EventID   string            `json:"event_id"`
	OrderID   string            `json:"order_id"`
	Error     string            `json:"error"`
}

func dlqOriginal(e kafkalog.DLQEntry) string {
	if e.OriginalPartition < 0 || e.OriginalOffset < 0 {
		return e.OriginalTopic + "/?/?"
	}
	return kafkalog.Position{Topic: e.OriginalTopic, Partition: e.OriginalPartition, Offset: e.OriginalOffset}.String()
}

func dlqDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

// dlqShort cuts s to n runes, marking the cut.
func dlqShort(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// dlqOneLine keeps a multi-line error on its table row.
func dlqOneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func dlqPlural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}
