package kit

import (
	"context"
	"fmt"

	"github.com/orderflow/flowctl/internal/kafkalog"
	"github.com/orderflow/flowctl/internal/usage"
)

// A scenario that reads the event log reads what its own run produced, not
// what a bench or an earlier group left there (issue 20, item 5: after a
// bench, replay read 172,310 events and the late reader took 3.18 s). It
// marks the log before its run (MarkLog), reads from the mark, and reports
// how big the log was (LogMark.Put), so a figure says what it ran against.

// The log's size before a run, labelled the same in every scenario.
var (
	LogEventsBefore = MetricDef{Key: "log_events_before", Label: "events in the stack's topics before this run (not read)", Short: "log before", Unit: UnitEvents}
	LogBytesBefore  = MetricDef{Key: "log_bytes_before", Label: "broker log on disk before this run (written bytes)", Short: "log on disk before", Unit: UnitBytes}
)

// LogMark is where the log ended when a run began, and how big it was.
type LogMark struct {
	// Start is each topic's end offsets then (the stack's topics and their
	// dead-letter topics): the run reads from there.
	Start kafkalog.Offsets
	LogSize
}

// LogSize is how big a stack's events log was.
type LogSize struct {
	// Events counts the records the stack's topics held.
	Events int64 `json:"events"`
	// Topics is how many topics that was (0 in recordings from before it
	// was kept: the events stack's three).
	Topics int `json:"topics,omitempty"`
	// Bytes is the broker's log dir (usage.LogDir.Written); BytesMeasured
	// is false when the runtime does not measure it.
	Bytes         int64 `json:"written_bytes,omitempty"`
	BytesMeasured bool  `json:"bytes_measured"`
}

// String says the size in a line: "57024 events in its 3 topics, 92274688
// bytes written in the broker's log dir".
func (s LogSize) String() string {
	topics := "the three topics"
	if s.Topics > 0 {
		topics = fmt.Sprintf("its %d topics", s.Topics)
	}
	line := fmt.Sprintf("%d events in %s", s.Events, topics)
	if s.BytesMeasured {
		line += fmt.Sprintf(", %d bytes written in the broker's log dir", s.Bytes)
	}
	return line
}

// MarkLog marks the events log of t's stack before a run: its end offsets,
// its records and, where the runtime measures it, its bytes on disk (the
// broker's, shared by the stacks on it).
func (e *Env) MarkLog(ctx context.Context, t Target) (LogMark, error) {
	var m LogMark
	if len(e.Brokers) == 0 {
		return m, fmt.Errorf("no broker address to read the log from")
	}
	l := e.Log(t)
	topics := l.Topics()
	start, err := kafkalog.EndOffsets(ctx, e.Brokers, append(topics, l.DLQTopics()...)...)
	if err != nil {
		return m, err
	}
	m.Start, m.Topics = start, len(topics)
	if m.Events, err = kafkalog.Count(ctx, e.Brokers, nil, topics...); err != nil {
		return m, fmt.Errorf("size of the log: %w", err)
	}
	m.Bytes, m.BytesMeasured = e.brokerLogBytes(ctx, t)
	return m, nil
}

// brokerLogBytes is what the broker's log dir holds, when the runtime says.
func (e *Env) brokerLogBytes(ctx context.Context, t Target) (int64, bool) {
	if e.Control == nil {
		return 0, false
	}
	comps, err := e.Control.Usage(ctx, t.Mode)
	if err != nil {
		e.Step("  (the broker's log size is unknown: %v)", err)
		return 0, false
	}
	for _, c := range comps {
		if c.Kind == usage.KindBroker && c.Log.Measured() {
			return c.Log.Written, true
		}
	}
	return 0, false
}

// Put records the log's size before the run in o.
func (m LogMark) Put(o *Outcome) {
	o.Put(LogEventsBefore, float64(m.Events))
	if m.BytesMeasured {
		o.Put(LogBytesBefore, float64(m.Bytes))
	}
}
