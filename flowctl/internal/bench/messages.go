package bench

import (
	"context"
	"fmt"
	"time"

	"github.com/orderflow/flowctl/internal/kafkalog"
	"github.com/orderflow/flowctl/internal/stats"
	"github.com/orderflow/platform/retry"
)

// Messages is what a stack's services sent each other for the orders of
// the measured run, read off the broker and the services' request counters
// (not from the design): the same two counts on every stack, so sync's HTTP
// calls and the events stacks' records stand in one row.
type Messages struct {
	// Orders is n: the run's orders that became final (CONFIRMED, REJECTED,
	// FAILED) within the window.
	Orders int `json:"orders"`
	// Records were produced on the stack's topics (its flow and dead-letter
	// topics, by its saga style and prefix) within the window: end offsets
	// after minus before.
	Records int64 `json:"records"`
	// Topics is how many topics Records was read from (0: no broker).
	Topics int `json:"topics"`
	// HTTPCalls are the API requests the stack's services other than the
	// entry point (order-svc, whom the bench itself calls) served within
	// the window: the calls between services.
	HTTPCalls int64 `json:"http_calls"`
	// WindowMS runs from the first placement until the counts stopped
	// growing after the last order was followed.
	WindowMS float64 `json:"window_ms"`
}

// PerOrder is records and calls per final order (0 without orders).
func (m Messages) PerOrder() float64 {
	if m.Orders == 0 {
		return 0
	}
	return float64(m.Records+m.HTTPCalls) / float64(m.Orders)
}

// MessageCounter reads where a stack's traffic stands. Either reader may be
// nil: a sync stack has no topics, and a stack whose services cannot be
// scraped has no calls to count.
type MessageCounter struct {
	// Topics are the stack's topics; Ends reads their end offsets.
	Topics []string
	Ends   func(ctx context.Context, topics []string) (kafkalog.Offsets, error)
	// Calls reads the API requests served so far by the services whose
	// callers are other services.
	Calls func(ctx context.Context) (int64, error)
}

// tally is one reading of a MessageCounter.
type tally struct {
	ends  kafkalog.Offsets
	calls int64
}

func (c *MessageCounter) read(ctx context.Context) (tally, error) {
	var t tally
	var err error
	if c.Ends != nil {
		if t.ends, err = c.Ends(ctx, c.Topics); err != nil {
			return t, fmt.Errorf("end offsets of the stack's topics: %w", err)
		}
	}
	if c.Calls != nil {
		if t.calls, err = c.Calls(ctx); err != nil {
			return t, fmt.Errorf("the services' request counters: %w", err)
		}
	}
	return t, nil
}

// countSince is what was sent between before and after.
func countSince(before, after tally) (records, calls int64) {
	return produced(before.ends, after.ends), after.calls - before.calls
}

// produced is how many records were appended between two readings of end
// offsets. A partition (or topic) the first reading lacks was created in
// between: all it holds is new.
func produced(before, after kafkalog.Offsets) int64 {
	var n int64
	for topic, parts := range after {
		for p, end := range parts {
			n += max(end-before[topic][p], 0)
		}
	}
	return n
}

// quietEvery is how long the counts must stand still before the window
// closes: a relay publishes an order's last event just after the order
// turned final, and a reply may still be on its way.
const quietEvery = 250 * time.Millisecond

// settle reads the counts until two readings quietEvery apart agree (the
// stack has gone quiet), or limit passes (the last reading counts).
func (c *MessageCounter) settle(ctx context.Context, limit time.Duration) (tally, error) {
	last, err := c.read(ctx)
	if err != nil {
		return last, err
	}
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if err := retry.Wait(ctx, quietEvery); err != nil {
			return last, err
		}
		now, err := c.read(ctx)
		if err != nil {
			return last, err
		}
		if r, k := countSince(last, now); r == 0 && k == 0 {
			return now, nil
		}
		last = now
	}
	return last, nil
}

// MessagesText says the messages per order with what they were counted
// from: n, both counts and the window.
func MessagesText(m Messages) string {
	counted := fmt.Sprintf("%d HTTP calls between services", m.HTTPCalls)
	if m.Topics > 0 {
		counted = fmt.Sprintf("%d records on %d topics + %s", m.Records, m.Topics, counted)
	}
	if m.Orders == 0 {
		return fmt.Sprintf("not measured: no order became final in the %s window (%s)", stats.Ms(m.WindowMS), counted)
	}
	return fmt.Sprintf("%.2f messages/order (n=%d orders; %s in %s)", m.PerOrder(), m.Orders, counted, stats.Ms(m.WindowMS))
}
