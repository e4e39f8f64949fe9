package brokerdown

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/api"
	oapi "github.com/orderflow/flowctl/internal/api/client"
	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
)

func TestJudgeBrokerDown(t *testing.T) {
	downAt := time.Date(2026, 11, 29, 18, 0, 0, 0, time.UTC)
	upAt := downAt.Add(5 * time.Second)
	batch := func(n, code int, answered, final oapi.OrderStatus) load.Result {
		var r load.Result
		for range n {
			r.Orders = append(r.Orders, load.Placed{HTTPStatus: code,
				Order: api.Order{ID: "o", Status: final, Final: final != "PENDING", UpdatedAt: upAt.Add(time.Second)}})
		}
		return r
	}
	run := func(accepted, confirmedAnswers int, outbox float64, outboxOK bool) brokerDownRun {
		return brokerDownRun{N: 4, Accepted: accepted, ConfirmedAnswers: confirmedAnswers, Read: 4, PendingRead: 4,
			Outbox: outbox, OutboxOK: outboxOK, OutboxBy: map[string]float64{"order-svc": outbox - 1, "inventory-svc": 1, "invoicing-svc": 0},
			WasRunning: true, DownAt: downAt, UpAt: upAt}
	}
	for _, c := range []struct {
		name  string
		mode  stackmode.Mode
		res   load.Result
		b     brokerDownRun
		holds bool
	}{
		{"sync: every order confirmed in its answer", stackmode.Sync, batch(4, 201, "CONFIRMED", "CONFIRMED"), run(4, 4, 0, false), true},
		{"sync: orders failed while the broker was down", stackmode.Sync, batch(4, 503, "FAILED", "FAILED"), run(0, 0, 0, false), false},
		{"events: accepted, events in the outbox, confirmed later", stackmode.Events, batch(4, 202, "PENDING", "CONFIRMED"), run(4, 0, 4, true), true},
		{"events: nothing waited in the outbox", stackmode.Events, batch(4, 202, "PENDING", "CONFIRMED"), run(4, 0, 0, true), false},
		{"events: the outbox could not be read", stackmode.Events, batch(4, 202, "PENDING", "CONFIRMED"), run(4, 0, 0, false), false},
		{"orchestration: accepted, commands in the outbox, confirmed later", stackmode.Orchestration, batch(4, 202, "PENDING", "CONFIRMED"), run(4, 0, 4, true), true},
		{"orchestration: nothing waited in the outbox", stackmode.Orchestration, batch(4, 202, "PENDING", "CONFIRMED"), run(4, 0, 0, true), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := judgeBrokerDown(c.mode, c.res, c.b)
			if bad := Def.Undeclared(o); len(bad) > 0 {
				t.Errorf("metrics the definition lacks: %v", bad)
			}
			if o.Holds != c.holds {
				t.Errorf("holds = %v, want %v (%s)", o.Holds, c.holds, o.Verdict)
			}
			if !strings.HasPrefix(o.Verdict, string(c.mode)+": ") {
				t.Errorf("verdict %q does not name the stack", o.Verdict)
			}
			if _, ok := o.Metric(OutboxPending.Key); ok != c.b.OutboxOK {
				t.Errorf("outbox metric present = %v, want %v", ok, c.b.OutboxOK)
			}
			// The outbox total says whose events it counts: 4 for 4 orders
			// is 3 of order-svc's and 1 of inventory-svc's here.
			if c.mode == stackmode.Events && c.b.OutboxOK && c.b.Outbox > 0 &&
				!strings.Contains(o.Verdict, "4 events waiting in the outboxes, read from the services' /metrics while Kafka was down (order-svc 3 · inventory-svc 1)") {
				t.Errorf("verdict does not say whose outbox events: %s", o.Verdict)
			}
		})
	}
}

// fakeMetricsSvc serves /metrics whose publish-failure counter starts to
// rise at the risesAt-th request (never when 0), and a ready /readyz.
type fakeMetricsSvc struct {
	risesAt  int32
	notReady bool // /readyz fails from the start
	served   atomic.Int32
	asked    chan struct{}
}

func (f *fakeMetricsSvc) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/metrics":
		n := f.served.Add(1)
		failures := 0
		if f.risesAt > 0 && n >= f.risesAt {
			failures = int(n)
		}
		fmt.Fprintf(w, "outbox_pending_events 7\noutbox_publish_failures_total %d\n", failures)
		if n == 4 {
			close(f.asked)
		}
	case "/readyz":
		if f.notReady {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprint(w, `{"title":"not ready","status":503}`)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"status":"ready"}`)
	default:
		http.NotFound(w, r)
	}
}

func TestWatchNotice(t *testing.T) {
	for _, c := range []struct {
		name     string
		risesAt  int32
		notReady bool
		noticed  bool
	}{
		{"the relay's failures rise", 3, false, true},
		{"nothing changes", 0, false, false},
		{"not ready before the stop already: no sign", 0, true, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := &fakeMetricsSvc{risesAt: c.risesAt, notReady: c.notReady, asked: make(chan struct{})}
			srv := httptest.NewServer(f)
			defer srv.Close()
			e := &kit.Env{}
			w := watchNotice(context.Background(), e, kit.Target{URLs: map[string]string{"order-svc": srv.URL}})
			// The watch ends by itself once it notices; otherwise it is
			// asked several times and finds nothing.
			select {
			case <-w.done:
			case <-f.asked:
			}
			_, how, ok := w.Stop()
			if ok != c.noticed {
				t.Fatalf("noticed = %v (%q), want %v", ok, how, c.noticed)
			}
			if c.noticed && !strings.Contains(how, "outbox_publish_failures_total") {
				t.Errorf("how = %q, want the counter named", how)
			}
			by := outboxPendingBy(context.Background(), kit.Target{URLs: map[string]string{"order-svc": srv.URL}})
			if len(by) != 1 || by["order-svc"] != 7 {
				t.Errorf("outboxPendingBy = %v; want order-svc 7", by)
			}
		})
	}
}
