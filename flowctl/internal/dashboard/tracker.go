package dashboard

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/load"
)

// OrderView is one order the dashboard placed, as the page shows it: its
// steps come from order-svc's timeline (the services' own timestamps), its
// placement time is how long the dashboard's POST took.
type OrderView struct {
	ID          string     `json:"id"`
	Mode        string     `json:"mode"`
	Status      string     `json:"status"`
	Final       bool       `json:"final"`
	HTTPStatus  int        `json:"http_status"`
	PlacementMS float64    `json:"placement_ms"`
	Steps       []StepView `json:"steps"`
	// TimeToFinalMS is order-svc's time from placement to the final status.
	TimeToFinalMS *float64  `json:"time_to_final_ms,omitempty"`
	Reason        string    `json:"reason,omitempty"`
	TraceID       string    `json:"trace_id,omitempty"`
	PlacedAt      time.Time `json:"placed_at"`
	// Error says why no order was created (connection refused, 429, …).
	Error string `json:"error,omitempty"`
	// Followed is false once the dashboard stopped reading a not-final order.
	Followed bool `json:"followed"`
	// Awaiting are the compensations a FAILED or CANCELLED order still waits
	// for (released, voided): it is read on until they arrive.
	Awaiting []string `json:"awaiting,omitempty"`
	// Cancel is order-svc's answer to a cancel from the page ("202
	// CANCELLED", "409: …"), once asked.
	Cancel string `json:"cancel,omitempty"`
	seq    int
	// since is when the dashboard began following the order (its
	// placement, or a cancel from the page); a final order is read on until
	// linger (after a cancel: a reservation a consumer behind makes later is
	// released later, and the row should show both).
	since, linger time.Time
	// reads counts order-svc's answers: an order final in its POST answer
	// (sync's 201, a 409's bare id) is still read once for its timeline.
	reads int
	// due is when to read the order next, every the interval it backs off to
	// (readpace.go).
	due   time.Time
	every time.Duration
}

// StepView is one step of the order's timeline, milliseconds after placement.
type StepView struct {
	Step    string  `json:"step"`
	AfterMS float64 `json:"after_ms"`
}

// tracker keeps the orders the dashboard placed on one stack and reads each
// not-final one until it is final, publishing every change.
type tracker struct {
	mode    string
	orders  load.OrderGetter
	publish func(OrderView)
	// keep is how many orders are remembered (the newest).
	keep int
	// maxGetsPerSec bounds the reads, as load.Follow does; budget bounds
	// them further to one per placement and rereadsPerSec re-reads.
	maxGetsPerSec float64
	budget        readBudget
	// followFor is how long a not-final order is read before giving up.
	followFor time.Duration

	mu      sync.Mutex
	rows    []*OrderView // oldest first
	byID    map[string]*OrderView
	pending []*OrderView
	cursor  int
	seq     int
}

func newTracker(mode string, orders load.OrderGetter, publish func(OrderView)) *tracker {
	return &tracker{mode: mode, orders: orders, publish: publish, keep: 2000,
		maxGetsPerSec: load.DefaultMaxGetsPerSec, budget: readBudget{perSec: rereadsPerSec, tokens: rereadsPerSec},
		followFor: 3 * time.Minute, byID: map[string]*OrderView{}}
}

// add records a placement and publishes it.
func (t *tracker) add(p load.Placed) OrderView {
	t.mu.Lock()
	t.seq++
	v := &OrderView{ID: p.Order.ID, Mode: t.mode, HTTPStatus: p.HTTPStatus, PlacementMS: p.PlacementMS, PlacedAt: p.At, seq: t.seq, Error: p.Err, since: p.At}
	if p.Problem != "" && p.Order.ID == "" {
		v.Error = p.Problem
	}
	if v.ID == "" {
		// order-svc created nothing: the row still shows the attempt.
		v.ID = fmt.Sprintf("not-placed-%s-%d", t.mode, t.seq)
		v.Status = "NOT PLACED"
		v.Final = true
	} else {
		apply(v, p.Order)
		v.Followed = true
		v.due = time.Now().Add(firstReadAfter)
		t.budget.credit(time.Now())
		t.pending = append(t.pending, v)
	}
	t.rows = append(t.rows, v)
	t.byID[v.ID] = v
	if len(t.rows) > t.keep {
		old := t.rows[0]
		t.rows = t.rows[1:]
		delete(t.byID, old.ID)
	}
	out := clone(v)
	t.mu.Unlock()
	t.publish(out)
	return out
}

// apply copies what order-svc says about the order onto v; it reports
// whether anything the page shows changed.
func apply(v *OrderView, o api.Order) bool {
	steps := make([]StepView, 0, len(o.Timeline))
	for _, s := range o.Timeline {
		steps = append(steps, StepView{Step: string(s.Step), AfterMS: s.AfterMS})
	}
	changed := string(o.Status) != v.Status || o.Final != v.Final || !slices.Equal(steps, v.Steps) || o.Reason != v.Reason
	if string(o.Status) != "" {
		v.Status = string(o.Status)
	}
	v.Final, v.Reason, v.TimeToFinalMS = o.Final, o.Reason, o.TimeToFinalMS
	v.Awaiting = api.AwaitedCompensations(o)
	if len(steps) > 0 {
		v.Steps = steps
	}
	if o.TraceID != "" {
		v.TraceID = o.TraceID
	}
	return changed
}

func clone(v *OrderView) OrderView {
	c := *v
	c.Steps = slices.Clone(v.Steps)
	c.Awaiting = slices.Clone(v.Awaiting)
	return c
}

// run reads the pending orders until ctx ends: each when it is due, within
// the read budget, never faster than maxGetsPerSec.
func (t *tracker) run(ctx context.Context) {
	spacing := time.Duration(float64(time.Second) / t.maxGetsPerSec)
	for {
		if w := t.budgetWait(); w > 0 {
			if !sleep(ctx, w) {
				return
			}
			continue
		}
		v, ok := t.next()
		if !ok {
			if !sleep(ctx, 10*time.Millisecond) {
				return
			}
			continue
		}
		rctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		o, err := t.orders.Get(rctx, v.ID)
		cancel()
		if ctx.Err() != nil {
			return
		}
		t.update(v, o, err)
		if !sleep(ctx, spacing) {
			return
		}
	}
}

func (t *tracker) budgetWait() time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.budget.wait(time.Now())
}

// next picks the pending order to read now, round robin among those due,
// and drops those that are final or followed too long.
func (t *tracker) next() (*OrderView, bool) {
	v, gaveUp := t.pick()
	for _, g := range gaveUp {
		t.publish(g) // outside the lock: publish may take its time
	}
	return v, v != nil
}

func (t *tracker) pick() (*OrderView, []OrderView) {
	t.mu.Lock()
	defer t.mu.Unlock()
	var gaveUp []OrderView
	now := time.Now()
	for looked := 0; looked < len(t.pending); {
		if t.cursor >= len(t.pending) {
			t.cursor = 0
		}
		v := t.pending[t.cursor]
		if (v.Final && v.reads > 0 && len(v.Awaiting) == 0 && now.After(v.linger)) || now.Sub(v.since) > t.followFor {
			t.pending = slices.Delete(t.pending, t.cursor, t.cursor+1)
			if !v.Final {
				v.Followed = false
				gaveUp = append(gaveUp, clone(v))
			}
			continue
		}
		t.cursor++
		looked++
		if !now.Before(v.due) {
			t.budget.spend()
			return v, gaveUp
		}
	}
	return nil, gaveUp
}

func (t *tracker) update(v *OrderView, o api.Order, err error) {
	t.mu.Lock()
	if err != nil {
		// order-svc may be stopped on purpose: read again, less and less often.
		v.due, v.every = backoff(time.Now(), v.every, false)
		t.mu.Unlock()
		return
	}
	v.reads++
	changed := apply(v, o)
	v.due, v.every = backoff(time.Now(), v.every, changed)
	if o.Final {
		v.Followed = false
	}
	out := clone(v)
	t.mu.Unlock()
	if changed {
		t.publish(out)
	}
}

// recent are the newest n orders, oldest first.
func (t *tracker) recent(n int) []OrderView {
	t.mu.Lock()
	defer t.mu.Unlock()
	from := max(len(t.rows)-n, 0)
	out := make([]OrderView, 0, len(t.rows)-from)
	for _, v := range t.rows[from:] {
		out = append(out, clone(v))
	}
	return out
}

// lookup finds an order the dashboard placed.
func (t *tracker) lookup(id string) (OrderView, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	v, ok := t.byID[id]
	if !ok {
		return OrderView{}, false
	}
	return clone(v), true
}

func sleep(ctx context.Context, d time.Duration) bool {
	select {
	case <-ctx.Done():
		return false
	case <-time.After(d):
		return true
	}
}
