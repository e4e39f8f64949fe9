package evolution

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync/atomic"
	"time"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/kafkalog"
	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/scenario/kit"
)

// The steps of an order a reader can learn, one per service's decision:
// order-svc placed it, inventory-svc reserved or rejected its stock,
// invoicing-svc invoiced it. order-svc's "confirmed" is its conclusion from
// "invoiced", not a further fact, and no event carries it.
const (
	stepPlaced   = "placed"
	stepReserved = "reserved"
	stepRejected = "rejected"
	stepInvoiced = "invoiced"
)

// steps are the steps of one order a reader saw.
type steps map[string]bool

// expectedSteps are the steps an order that ended in status took: what a
// reader learning about it should see. A FAILED order's other steps are
// not known outside the log (a reservation may have been taken and given
// back), so only its placement is expected.
func expectedSteps(status string) []string {
	switch status {
	case "CONFIRMED":
		return []string{stepPlaced, stepReserved, stepInvoiced}
	case "REJECTED":
		return []string{stepPlaced, stepRejected}
	}
	return []string{stepPlaced}
}

// lateRead is what a reader started after the batch was placed learned
// about it, and what it cost order-svc.
type lateRead struct {
	// Batch counts the batch's orders; Found those the reader saw.
	Batch, Found int
	// Expected counts the steps the batch's orders took; Seen those of them
	// the reader saw; FactSeen those it saw on the fact topics alone (not a
	// command or the orchestrator's reply channel: styleread.go).
	Expected, Seen, FactSeen int
	// Topics are the topics the reader read (events mode), FactTopics
	// those of them that carry facts.
	Topics, FactTopics []string
	// Known is every order the reader learned about (since Mark, in events
	// mode: the run's).
	Known int
	// Mark is where the log ended before the batch (events mode): the
	// reader starts there, and the log's size then is reported.
	Mark    kit.LogMark
	CatchUp time.Duration
	// Requests are the API requests order-svc served while the reader ran
	// (its /metrics before and after); RequestsOK is false when either
	// scrape failed.
	Requests   float64
	RequestsOK bool
	// Bytes the reader received: records' keys and values from the broker,
	// or answers' bodies from order-svc.
	Bytes int64
}

// score fills Batch, Found, Expected and Seen: the followed batch against
// what the reader saw, by order id.
func (l *lateRead) score(batch load.Result, seen, facts map[string]steps) {
	for _, p := range batch.Orders {
		if !p.HasID() {
			continue
		}
		l.Batch++
		s, ok := seen[p.Order.ID]
		if ok {
			l.Found++
		}
		for _, st := range expectedSteps(string(p.Order.Status)) {
			l.Expected++
			if s[st] {
				l.Seen++
			}
			if facts[p.Order.ID][st] {
				l.FactSeen++
			}
		}
	}
}

// lateReader starts a reader after the batch: in events mode a new
// consumer of the three topics from mark (where the log ended before the
// batch: a shipping service that joins late reads what it missed, and the
// log's older history does not change the figure), in sync mode a client of
// order-svc's API, the only place sync keeps orders. order-svc's served
// requests are read from its /metrics around the reader, and nothing else of
// flowctl's talks to it meanwhile.
func lateReader(ctx context.Context, e *kit.Env, t kit.Target, batch load.Result, mark kit.LogMark) (lateRead, error) {
	l := lateRead{Mark: mark}
	before, errBefore := api.GetRequestCounts(ctx, t.URLs[topology.OrderSvc], nil)
	var seen, facts map[string]steps
	var err error
	if t.Mode.Kafka() {
		seen, facts, err = readLog(ctx, e, t, &l)
	} else {
		seen, err = readAPI(ctx, t, &l)
		facts = seen
	}
	if err != nil {
		return l, err
	}
	after, errAfter := api.GetRequestCounts(ctx, t.URLs[topology.OrderSvc], nil)
	if errBefore == nil && errAfter == nil {
		l.Requests, l.RequestsOK = after.Since(before).API(), true
	} else {
		e.Step("  (order-svc's requests unknown: %v)", firstErr(errBefore, errAfter))
	}
	l.score(batch, seen, facts)
	return l, nil
}

// readLog is the events reader: a consumer group no service has, reading
// the stack's topics from l.Mark as a shipping service that joins late
// would. It returns the steps it saw on every topic and on the fact topics
// alone (in choreography the same).
func readLog(ctx context.Context, e *kit.Env, t kit.Target, l *lateRead) (seen, facts map[string]steps, err error) {
	if len(e.Brokers) == 0 {
		return nil, nil, fmt.Errorf("no broker address to read the log from")
	}
	model, factModel := kit.NewReadModel(), kit.NewReadModel()
	log := e.Log(t)
	l.Topics, l.FactTopics = log.Topics(), factTopics(log)
	stamp := time.Now().UTC().Format("20060102T150405.000")
	for _, topic := range l.Topics {
		group := topology.ReplayGroupPrefix(log.Prefix) + "late-reader." + topic + "." + stamp
		fact := slices.Contains(l.FactTopics, topic)
		e.Step("  late reader: %s from where it ended before the batch, with the new consumer group %s", topic, group)
		st, err := kafkalog.ReplayFrom(ctx, e.Brokers, topic, group, l.Mark.Start[topic], func(r kafkalog.Record) error {
			l.Bytes += int64(len(r.Key) + len(r.Value))
			model.Apply(r)
			if fact {
				factModel.Apply(r)
			}
			return nil
		})
		if err != nil {
			return nil, nil, fmt.Errorf("late reader on %s: %w", topic, err)
		}
		l.CatchUp += st.Took
	}
	seen = stepsOf(model)
	for _, s := range seen {
		if s[stepPlaced] {
			l.Known++
		}
	}
	return seen, stepsOf(factModel), nil
}

// readAPI is the sync reader: order-svc's newest orders, as many as the
// API lists at once (it has no paging), each with the timeline order-svc
// chose to keep.
func readAPI(ctx context.Context, t kit.Target, l *lateRead) (map[string]steps, error) {
	counted := &countingTransport{}
	orders := api.NewOrders(t.URLs[topology.OrderSvc], &http.Client{Timeout: api.DefaultTimeout, Transport: counted})
	start := time.Now()
	list, err := orders.List(ctx, kit.ListLimit)
	l.CatchUp = time.Since(start)
	l.Bytes = counted.bytes.Load()
	if err != nil {
		return nil, fmt.Errorf("late reader: %w", err)
	}
	seen := make(map[string]steps, len(list))
	for _, o := range list {
		s := steps{}
		for _, st := range o.Timeline {
			s[string(st.Step)] = true
		}
		seen[o.ID] = s
	}
	l.Known = len(list)
	return seen, nil
}

// countingTransport counts the bytes of the answers' bodies read through it.
type countingTransport struct{ bytes atomic.Int64 }

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	res, err := http.DefaultTransport.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	res.Body = countingBody{ReadCloser: res.Body, n: &c.bytes}
	return res, nil
}

type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (b countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n.Add(int64(n))
	return n, err
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
