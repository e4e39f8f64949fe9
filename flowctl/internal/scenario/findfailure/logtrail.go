package findfailure

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/orderflow/flowctl/internal/kafkalog"
	"github.com/orderflow/flowctl/internal/scenario/kit"
)

// The log's side of finding a stuck order (events stacks): the order's
// messages on the stack's topics while it is stuck, and who the newest of
// them leaves as suspects — the services that consume its topic. "An
// orchestrator's log is one place to look" holds when that is one service:
// a command has one addressee, an event as many readers as subscribed.

// The log's metrics (once per stack, of the first order tried: the log does
// not depend on TRACE_PROPAGATION).
var (
	LogMessages = kit.MetricDef{Key: "log_order_messages", Label: "the stuck order's messages in the log", Short: "its messages", Unit: kit.UnitMessages}
	LogTopics   = kit.MetricDef{Key: "log_order_topics", Label: "topics holding them (places to read)", Short: "topics to read", Unit: kit.UnitTopics}
	LogSuspects = kit.MetricDef{Key: "log_suspects", Label: "services the newest message leaves as suspects (its topic's consumers)", Short: "suspects", Unit: kit.UnitServices}
)

// logTrail is what the log says of one stuck order.
type logTrail struct {
	Messages int
	// Topics hold the order's messages, in the order first written.
	Topics []string
	// Newest is the newest message's type and topic; Suspects the
	// services consuming that topic.
	Newest, NewestTopic string
	Suspects            []string
}

// readTrail reads the order's messages on t's topics since start.
func readTrail(ctx context.Context, e *kit.Env, t kit.Target, start kafkalog.Offsets, orderID string) (logTrail, error) {
	l := e.Log(t)
	var recs []kafkalog.Record
	for _, topic := range l.Topics() {
		rs, err := kafkalog.ReadFrom(ctx, e.Brokers, topic, start[topic])
		if err != nil {
			return logTrail{}, fmt.Errorf("read %s: %w", topic, err)
		}
		for _, r := range rs {
			if r.OrderID() == orderID {
				recs = append(recs, r)
			}
		}
	}
	return trailOf(l, recs), nil
}

// trailOf orders the records by time and names the newest one's suspects.
func trailOf(l kafkalog.Log, recs []kafkalog.Record) logTrail {
	slices.SortStableFunc(recs, func(a, b kafkalog.Record) int { return a.Time.Compare(b.Time) })
	t := logTrail{Messages: len(recs)}
	for _, r := range recs {
		if !slices.Contains(t.Topics, r.Topic) {
			t.Topics = append(t.Topics, r.Topic)
		}
	}
	if len(recs) == 0 {
		return t
	}
	last := recs[len(recs)-1]
	t.Newest, t.NewestTopic = last.Decode().Envelope.Type, last.Topic
	bare := strings.TrimPrefix(last.Topic, l.Prefix)
	for _, s := range l.Services() {
		if slices.Contains(s.Consumes, bare) {
			t.Suspects = append(t.Suspects, s.Name)
		}
	}
	return t
}

// put records the trail and says it in a line.
func (t logTrail) put(o *kit.Outcome) string {
	o.Put(LogMessages, float64(t.Messages))
	o.Put(LogTopics, float64(len(t.Topics)))
	o.Put(LogSuspects, float64(len(t.Suspects)))
	return fmt.Sprintf("the log: its %s on %s (%s); the newest, %s on %s, leaves %s (%s)",
		kit.Counted(t.Messages, "message"), kit.Counted(len(t.Topics), "topic"), strings.Join(t.Topics, ", "),
		t.Newest, t.NewestTopic, kit.Counted(len(t.Suspects), "suspect"), strings.Join(t.Suspects, ", "))
}

// onePlace says the log named one service: the newest message had one
// addressee.
func (t logTrail) onePlace() bool { return len(t.Suspects) == 1 }
