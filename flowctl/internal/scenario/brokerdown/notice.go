package brokerdown

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/platform/topology"
)

// noticePoll is how often the notice watch asks the services: the time to
// notice is measured to within it.
const noticePoll = 100 * time.Millisecond

// noticeWatch asks each service, from just before the broker stops, for its
// outbox publish failures (/metrics) and its readiness (/readyz), and keeps
// the first sign that the stack noticed the broker was gone.
type noticeWatch struct {
	cancel context.CancelFunc
	done   chan struct{}
	from   time.Time
	at     time.Time // zero until noticed
	how    string
}

// watchNotice starts the watch; Stop ends it.
func watchNotice(ctx context.Context, e *kit.Env, t kit.Target) *noticeWatch {
	hc := &http.Client{Timeout: time.Second}
	// The baseline: a counter already counting, or a service not ready
	// before the stop, is no sign of noticing it.
	base, wasReady := map[string]float64{}, map[string]bool{}
	for svc, u := range t.URLs {
		if m, err := api.GetMetrics(ctx, u, hc); err == nil {
			base[svc] = m["outbox_publish_failures_total"]
		}
		if r, err := api.Ready(ctx, u, hc); err == nil && r.Status != "not ready" {
			wasReady[svc] = true
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	w := &noticeWatch{cancel: cancel, done: make(chan struct{}), from: time.Now()}
	go func() {
		defer close(w.done)
		tick := time.NewTicker(noticePoll)
		defer tick.Stop()
		for {
			for _, svc := range []string{topology.OrderSvc, topology.InventorySvc, topology.InvoicingSvc} {
				u, ok := t.URLs[svc]
				if !ok {
					continue
				}
				if m, err := api.GetMetrics(ctx, u, hc); err == nil && m["outbox_publish_failures_total"] > base[svc] {
					w.at, w.how = time.Now(), svc+"'s outbox_publish_failures_total rose"
					return
				}
				if r, err := api.Ready(ctx, u, hc); err == nil && r.Status == "not ready" && wasReady[svc] {
					w.at, w.how = time.Now(), svc+"'s /readyz failed"
					return
				}
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	return w
}

// Stop ends the watch and says when, after it began, the stack noticed and
// how; ok is false when it did not notice at all.
func (w *noticeWatch) Stop() (after time.Duration, how string, ok bool) {
	w.cancel()
	<-w.done
	if w.at.IsZero() {
		return 0, "", false
	}
	return w.at.Sub(w.from), w.how, true
}

// outboxPendingBy is outbox_pending_events per service that exports it
// (none in sync mode: no outbox): a total of 32 for 30 orders says nothing
// until it says whose the other 2 are.
func outboxPendingBy(ctx context.Context, t kit.Target) map[string]float64 {
	hc := &http.Client{Timeout: 5 * time.Second}
	by := map[string]float64{}
	for svc, u := range t.URLs {
		m, err := api.GetMetrics(ctx, u, hc)
		if err != nil {
			continue
		}
		if v, has := m["outbox_pending_events"]; has {
			by[svc] = v
		}
	}
	return by
}

// outboxText is "32 events waiting in the outboxes (order-svc 30,
// inventory-svc 2)", largest first.
func outboxText(by map[string]float64) string {
	total := 0.0
	counts := map[string]int{}
	for svc, v := range by {
		total += v
		if v > 0 { // a service with an empty outbox says nothing here
			counts[svc] = int(v)
		}
	}
	return fmt.Sprintf("%.0f events waiting in the outboxes, read from the services' /metrics while Kafka was down (%s)", total, kit.StatusList(counts))
}

// readRound reads every order order-svc created once, each with a timeout
// a slow read fits in: how many were read and how many of those were not
// final. Unlike Follow it waits for no order to become final.
func readRound(ctx context.Context, r load.Result, o load.OrderGetter) (read, notFinal int, err error) {
	for _, p := range r.Orders {
		if !p.HasID() {
			continue
		}
		rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		got, gerr := o.Get(rctx, p.Order.ID)
		cancel()
		if ctx.Err() != nil {
			return read, notFinal, ctx.Err()
		}
		if gerr != nil {
			continue // counted as not read
		}
		read++
		if !got.Final {
			notFinal++
		}
	}
	return read, notFinal, nil
}
