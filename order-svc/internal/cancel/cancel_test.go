package cancel_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/kafkabus"
	"github.com/orderflow/platform/outbox"

	"github.com/orderflow/order-svc/internal/cancel"
	"github.com/orderflow/order-svc/internal/order"
	"github.com/orderflow/order-svc/internal/store"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

type countingRelay struct{ n atomic.Int32 }

func (c *countingRelay) Notify() { c.n.Add(1) }

// rig is an events canceller over a fresh database, on a clock the test moves.
type rig struct {
	st    *store.Store
	ev    *cancel.Events
	relay *countingRelay
	spans *tracetest.InMemoryExporter
	now   time.Time
}

func newRig(t *testing.T, mode config.Propagation) *rig {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "orders.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return rigOn(st, mode)
}

// rigOn is a rig over st (a replica's store in the PostgreSQL tests).
func rigOn(st *store.Store, mode config.Propagation) *rig {
	r := &rig{st: st, relay: &countingRelay{}, spans: tracetest.NewInMemoryExporter(), now: t0}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(r.spans))
	prop := kafkabus.Propagation{Mode: mode, Propagator: propagation.TraceContext{}}
	r.ev = &cancel.Events{Store: st, Outbox: &outbox.Writer{Topic: "orders.v1", Propagator: propagation.TraceContext{}, Relay: r.relay},
		Tracer: tp.Tracer("test"), Parent: prop.ConsumerStart, Now: func() time.Time { return r.now }}
	return r
}

const traceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

func id(i int) string { return fmt.Sprintf("%08d-0000-4000-8000-000000000000", i) }

// place stores order i placed at placed, moved on by change.
func (r *rig) place(t *testing.T, i int, placed time.Time, change func(o *order.Order)) order.Order {
	t.Helper()
	o := order.New(id(i), order.Draft{CustomerID: "c-1", Items: []order.Line{{SKU: "SKU-001", Qty: 1}}}, "4bf92f3577b34da6a3ce929d0e0e4736", placed)
	o.TraceParent = traceParent
	if change != nil {
		change(&o)
	}
	ctx := context.Background()
	if err := r.st.InTx(ctx, func(tx *sql.Tx) error { return store.Insert(ctx, tx, o) }); err != nil {
		t.Fatal(err)
	}
	return o
}

// cancelled lists the OrderCancelled rows of the outbox, as order id → reason.
func (r *rig) cancelled(t *testing.T) map[string]string {
	t.Helper()
	rows, err := r.st.DB.Query(`SELECT payload, trace_ctx FROM outbox ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var b []byte
		var tc string
		if err := rows.Scan(&b, &tc); err != nil {
			t.Fatal(err)
		}
		_, p, err := events.Decode(b)
		if err != nil {
			t.Fatal(err)
		}
		c := p.(*events.OrderCancelled)
		if _, dup := out[c.OrderID]; dup {
			t.Fatalf("two OrderCancelled for %s", c.OrderID)
		}
		out[c.OrderID] = c.Reason
	}
	return out
}

func TestEventsCancel(t *testing.T) {
	r := newRig(t, config.PropagationChild)
	ctx := context.Background()
	r.place(t, 1, t0, nil)
	r.place(t, 2, t0, func(o *order.Order) { _ = o.MarkReserved("res-2", t0) })
	r.place(t, 3, t0, func(o *order.Order) { _ = o.MarkInvoiced("inv-3", 10, t0) })
	r.now = t0.Add(time.Second)

	for _, i := range []int{1, 2} {
		o, changed, err := r.ev.Cancel(ctx, id(i))
		if err != nil || !changed || o.Status != order.Cancelled || o.Reason != events.ReasonCustomer || !o.CancelledAt.Equal(r.now) {
			t.Fatalf("Cancel(%d) = %s %q, %v, %v; want CANCELLED (customer), changed", i, o.Status, o.Reason, changed, err)
		}
		// Idempotent: the same answer, nothing emitted again.
		again, changed, err := r.ev.Cancel(ctx, id(i))
		if err != nil || changed || again.Status != order.Cancelled || !again.CancelledAt.Equal(o.CancelledAt) {
			t.Fatalf("second Cancel(%d) = %+v, %v, %v", i, again, changed, err)
		}
	}
	if got := r.cancelled(t); len(got) != 2 || got[id(1)] != "customer" || got[id(2)] != "customer" {
		t.Fatalf("outbox = %v, want one OrderCancelled(customer) for orders 1 and 2", got)
	}
	if n := r.relay.n.Load(); n != 2 {
		t.Fatalf("relay woken %d times, want once per cancellation", n)
	}
	if _, _, err := r.ev.Cancel(ctx, id(3)); !errors.Is(err, order.ErrFinal) {
		t.Fatalf("cancel a CONFIRMED order: err = %v, want ErrFinal", err)
	}
	if o, _ := r.st.Get(ctx, id(3)); o.Status != order.Confirmed {
		t.Fatalf("the refused cancel changed the order to %s", o.Status)
	}
	if _, _, err := r.ev.Cancel(ctx, id(9)); !errors.Is(err, cancel.ErrNotFound) {
		t.Fatalf("cancel an unknown order: err = %v, want ErrNotFound", err)
	}
}

// The cancellation's span sits in the order's trace (child) or links to it
// (link); OrderCancelled carries that span's context to the compensations.
func TestCancelSpanJoinsTheOrdersTrace(t *testing.T) {
	orderTrace, _ := trace.TraceIDFromHex("4bf92f3577b34da6a3ce929d0e0e4736")
	for _, mode := range []config.Propagation{config.PropagationChild, config.PropagationLink} {
		t.Run(string(mode), func(t *testing.T) {
			r := newRig(t, mode)
			r.place(t, 1, t0, nil)
			if _, _, err := r.ev.Cancel(context.Background(), id(1)); err != nil {
				t.Fatal(err)
			}
			spans := r.spans.GetSpans()
			if len(spans) != 1 || spans[0].Name != "cancel order" {
				t.Fatalf("spans = %v", spans)
			}
			s := spans[0]
			inTrace := s.SpanContext.TraceID() == orderTrace
			linked := len(s.Links) == 1 && s.Links[0].SpanContext.TraceID() == orderTrace
			if mode == config.PropagationChild && (!inTrace || s.Parent.SpanID().String() != "00f067aa0ba902b7") {
				t.Fatalf("child: span in trace %s under %s, want the order's trace under its placing span", s.SpanContext.TraceID(), s.Parent.SpanID())
			}
			if mode == config.PropagationLink && (inTrace || !linked) {
				t.Fatalf("link: span in trace %s with links %v, want a new trace linked to the order's", s.SpanContext.TraceID(), s.Links)
			}
			var tc string
			if err := r.st.DB.QueryRow(`SELECT trace_ctx FROM outbox`).Scan(&tc); err != nil {
				t.Fatal(err)
			}
			if want := s.SpanContext.SpanID().String(); !strings.Contains(tc, want) {
				t.Fatalf("OrderCancelled's trace context %s does not carry the cancel span %s", tc, want)
			}
		})
	}
}

var discard = slog.New(slog.DiscardHandler)
