// Package deadletter turns the dead letters kafkalog reads into what people
// read: the terminal tables of `flowctl dlq list|redrive`, their JSON views
// (the dashboard serves the same), and the redrive selection from flags.
package deadletter

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

	"github.com/orderflow/platform/events"

	"github.com/orderflow/flowctl/internal/kafkalog"

	"github.com/orderflow/flowctl/internal/termsafe"
)

// PrintNone tells an empty DLQ from dead-letter topics that do not exist
// (a stack that never ran, or another KAFKA_TOPIC_PREFIX).
func PrintNone(ctx context.Context, w io.Writer, brokers []string, l kafkalog.Log) error {
	topics, prefix := l.DLQTopics(), l.Prefix
	missing, err := kafkalog.MissingTopics(ctx, brokers, topics...)
	if err != nil {
		return fmt.Errorf("list dead letters: %w", err)
	}
	if len(missing) == len(topics) {
		fmt.Fprintf(w, "no dead-letter topics on %s (%s): has the %s stack run here", strings.Join(brokers, ","), strings.Join(topics, ", "), l.Mode)
		if prefix != "" {
			fmt.Fprintf(w, " with KAFKA_TOPIC_PREFIX=%s", prefix)
		}
		fmt.Fprintln(w, "?")
		return nil
	}
	fmt.Fprintln(w, "0 dead letters")
	return nil
}

func PrintList(w io.Writer, entries []kafkalog.DLQEntry) error {
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
			e.Time.Local().Format("2006-01-02 15:04:05"), e.Position(), termsafe.String(original(e)), dash(e.EventType), dash(e.EventID),
			dash(short(e.OrderID, 8)), state, termsafe.String(short(oneLine(e.Error), 100)))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "%s, %d redriven", plural(len(entries), "dead letter"), redriven)
	if back > 0 {
		fmt.Fprintf(w, ", %d came back after a redrive (still invalid)", back)
	}
	fmt.Fprintln(w)
	return nil
}

// Selector turns the selection flags into Redrive's selector, and a
// function that says, after the redrive, which requested event ids matched
// no dead letter.
func Selector(l kafkalog.Log, all bool, ids []string, topic string) (func(kafkalog.DLQEntry) bool, func() []string, error) {
	prefix := l.Prefix
	none := func() []string { return nil }
	switch {
	case all:
		return func(kafkalog.DLQEntry) bool { return true }, none, nil
	case topic != "":
		// Accept the DLQ's name or its original topic's, with or without the prefix.
		base := strings.TrimSuffix(strings.TrimPrefix(topic, prefix), events.DLQ(""))
		names := kafkalog.Log{Mode: l.Mode}.DLQTopics() // without the prefix
		if !slices.Contains(names, events.DLQ(base)) {
			return nil, nil, fmt.Errorf("--topic %q: use one of %s", topic, strings.Join(names, ", "))
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

func PrintRedriven(w io.Writer, res []kafkalog.Redriven, dryRun bool) {
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
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", outcome, r.Entry.Position(), termsafe.String(to), dash(r.Entry.EventType), dash(r.Entry.EventID), dash(short(r.Entry.OrderID, 8)))
	}
	tw.Flush()
	skipped := ""
	if n := counts[kafkalog.AlreadyRedriven]; n > 0 {
		skipped = fmt.Sprintf("; skipped %s redriven before", plural(n, "dead letter"))
	}
	if dryRun {
		fmt.Fprintf(w, "dry run: would republish %s%s; nothing was written\n", plural(counts[kafkalog.WouldPublish], "dead letter"), skipped)
	} else {
		fmt.Fprintf(w, "republished %s%s\n", plural(counts[kafkalog.Published], "dead letter"), skipped)
	}
	if counts[kafkalog.Published]+counts[kafkalog.WouldPublish] > 0 {
		fmt.Fprintln(w, "An event that is still invalid is dead-lettered again: it comes back to the DLQ at a new offset (see `flowctl dlq list`).")
	}
}

// View is a dead letter for --json: key and value as text, a value that
// is JSON kept as JSON.
type View struct {
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

func ViewOf(e kafkalog.DLQEntry) View {
	var value any = string(e.Value)
	if json.Valid(e.Value) {
		value = json.RawMessage(e.Value)
	}
	return View{
		Time: e.Time, DLQ: e.Position(),
		Original: kafkalog.Position{Topic: e.OriginalTopic, Partition: e.OriginalPartition, Offset: e.OriginalOffset},
		Group:    e.Group, Error: e.Error, EventType: e.EventType, EventID: e.EventID, OrderID: e.OrderID,
		Key: string(e.Key), Value: value, Headers: e.Headers, RedrivenTo: e.RedrivenTo, RedrivenFrom: e.RedrivenFrom,
	}
}

// RedriveView is one redriven dead letter for --json.
type RedriveView struct {
	Outcome   kafkalog.Outcome  `json:"outcome"`
	DLQ       kafkalog.Position `json:"dlq"`
	To        kafkalog.Position `json:"to"`
	EventType string            `json:"event_type"`
	EventID   string            `json:"event_id"`
	OrderID   string            `json:"order_id"`
	Error     string            `json:"error"`
}

func original(e kafkalog.DLQEntry) string {
	if e.OriginalPartition < 0 || e.OriginalOffset < 0 {
		return e.OriginalTopic + "/?/?"
	}
	return kafkalog.Position{Topic: e.OriginalTopic, Partition: e.OriginalPartition, Offset: e.OriginalOffset}.String()
}

// dash prints a remote string, "–" when empty.
func dash(s string) string {
	if s == "" {
		return "–"
	}
	return termsafe.String(s)
}

// short cuts s to n runes, marking the cut.
func short(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// oneLine keeps a multi-line error on its table row.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}

// RedriveViewOf is r for --json.
func RedriveViewOf(r kafkalog.Redriven) RedriveView {
	return RedriveView{Outcome: r.Outcome, DLQ: r.Entry.Position(), To: r.To, EventType: r.Entry.EventType,
		EventID: r.Entry.EventID, OrderID: r.Entry.OrderID, Error: r.Entry.Error}
}
