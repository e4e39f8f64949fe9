package orchestrate_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/orderflow/platform/consume"
	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/outbox"

	"github.com/orderflow/order-svc/internal/cancel"
	"github.com/orderflow/order-svc/internal/orchestrate"
	"github.com/orderflow/order-svc/internal/order"
	"github.com/orderflow/order-svc/internal/placing"
	"github.com/orderflow/order-svc/internal/store"
)

type nopRelay struct{}

func (nopRelay) Notify() {}

// rig is order-svc wired as SAGA=orchestration, without Kafka: the placer,
// the canceller and the replies' processor over one database and outbox.
type rig struct {
	t      *testing.T
	st     *store.Store
	place  *placing.Events
	cancel *cancel.Events
	proc   *consume.Processor
	id     string
}

func newRig(t *testing.T) *rig { return newRigWith(t, false) }

// newRigWith is newRig with the fraud check on or off (FRAUD_CHECK).
func newRigWith(t *testing.T, fraudCheck bool) *rig {
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "orders.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clock := time.Date(2025, 11, 3, 9, 0, 0, 0, time.UTC)
	now := func() time.Time { clock = clock.Add(time.Millisecond); return clock }
	w := &outbox.Writer{Topic: events.TopicOrders, Propagator: propagation.TraceContext{}, Relay: nopRelay{}, ByType: map[string]string{}}
	for _, typ := range []string{events.TypeReserveStock, events.TypeReleaseStock, events.TypeIssueInvoice, events.TypeVoidInvoice, events.TypeCheckFraud} {
		w.ByType[typ] = events.CommandTopic(typ)
	}
	o := &orchestrate.Orchestrator{Now: now, FraudCheck: fraudCheck}
	parent := func(ctx context.Context, _ []kafka.Header) (context.Context, []trace.SpanStartOption) {
		return ctx, nil
	}
	return &rig{t: t, st: st,
		place:  &placing.Events{Store: st, Outbox: w, Saga: o.Start, Now: now},
		cancel: &cancel.Events{Store: st, Outbox: w, Tracer: noop.NewTracerProvider().Tracer(""), Parent: parent, Saga: o.Cancelled, Now: now},
		proc:   &consume.Processor{DB: st.DB, Routes: o.Routes(), Outbox: w},
	}
}

// sent is one outbox row: its topic and its type.
type sent struct{ topic, typ string }

// outbox returns the rows written since the last call.
func (r *rig) outbox(since *int) []sent {
	r.t.Helper()
	rows, err := r.st.DB.Query(`SELECT topic, event_type FROM outbox ORDER BY seq`)
	if err != nil {
		r.t.Fatal(err)
	}
	defer rows.Close()
	var all []sent
	for rows.Next() {
		var s sent
		if err := rows.Scan(&s.topic, &s.typ); err != nil {
			r.t.Fatal(err)
		}
		all = append(all, s)
	}
	out := all[*since:]
	*since = len(all)
	return out
}

func (r *rig) placeOrder(customer string) {
	r.t.Helper()
	o, err := r.place.Place(context.Background(), order.Draft{CustomerID: customer, Items: []order.Line{{SKU: "SKU-001", Qty: 2}}})
	if err != nil {
		r.t.Fatal(err)
	}
	r.id = o.ID
}

func (r *rig) reply(p events.Payload) (events.Envelope, error) {
	r.t.Helper()
	env, err := events.New(r.id, time.Now(), p)
	if err != nil {
		r.t.Fatal(err)
	}
	b, _ := env.Encode()
	env, payload, err := events.Decode(b)
	if err != nil {
		r.t.Fatal(err)
	}
	return env, r.proc.HandleOne(context.Background(), env, payload)
}

func (r *rig) must(p events.Payload) {
	r.t.Helper()
	if _, err := r.reply(p); err != nil {
		r.t.Fatalf("%s: %v", p.EventType(), err)
	}
}

// state is the order's status and its saga's step.
func (r *rig) state() (order.Status, order.SagaStep) {
	r.t.Helper()
	o, err := r.st.Get(context.Background(), r.id)
	if err != nil {
		r.t.Fatal(err)
	}
	step, err := r.st.SagaStepOf(context.Background(), r.id)
	if err != nil {
		r.t.Fatal(err)
	}
	return o.Status, step
}

func (r *rig) expect(what string, got []sent, status order.Status, step order.SagaStep, want ...sent) {
	r.t.Helper()
	gs, gst := r.state()
	if len(got) != len(want) || gs != status || gst != step {
		r.t.Fatalf("%s: sent %v, order %s, saga %s; want sent %v, %s, %s", what, got, gs, gst, want, status, step)
	}
	for i := range want {
		if got[i] != want[i] {
			r.t.Fatalf("%s: sent %v, want %v", what, got, want)
		}
	}
}

const (
	resID = "9d0f0e1c-0000-4000-8000-000000000001"
	invID = "7c1e2d3f-0000-4000-8000-000000000002"
)

var lines = []events.Line{{SKU: "SKU-001", Qty: 2}}

func (r *rig) reserved() events.Payload {
	return events.StockReserved{OrderID: r.id, ReservationID: resID, CustomerID: "c-1", Items: lines}
}
func (r *rig) issued() events.Payload {
	return events.InvoiceIssued{OrderID: r.id, InvoiceID: invID, TotalCents: 2520, Currency: "EUR"}
}

var (
	reserve = sent{events.TopicInventoryCommands, events.TypeReserveStock}
	release = sent{events.TopicInventoryCommands, events.TypeReleaseStock}
	issue   = sent{events.TopicInvoicingCommands, events.TypeIssueInvoice}
	void    = sent{events.TopicInvoicingCommands, events.TypeVoidInvoice}
	placed  = sent{events.TopicOrders, events.TypeOrderPlaced}
	cancels = sent{events.TopicOrders, events.TypeOrderCancelled}
)

func TestHappyPath(t *testing.T) {
	r, n := newRig(t), 0
	r.placeOrder("c-1")
	r.expect("placed", r.outbox(&n), order.Pending, order.StepReserving, placed, reserve)
	r.must(r.reserved())
	r.expect("StockReserved", r.outbox(&n), order.Reserved, order.StepCharging, issue)
	r.must(r.issued())
	r.expect("InvoiceIssued", r.outbox(&n), order.Confirmed, order.StepConfirmed)
}

func TestStockRejected(t *testing.T) {
	r, n := newRig(t), 0
	r.placeOrder("c-1")
	r.outbox(&n)
	r.must(events.StockRejected{OrderID: r.id, Reason: "short", SKU: "SKU-001"})
	r.expect("StockRejected", r.outbox(&n), order.Rejected, order.StepRejected)
}

// TestDecline: PaymentDeclined → ReleaseStock (payment_declined, the
// decline's reason) → on StockReleased the order is FAILED with it.
func TestDecline(t *testing.T) {
	r, n := newRig(t), 0
	r.placeOrder("c-1")
	r.must(r.reserved())
	r.outbox(&n)
	r.must(events.PaymentDeclined{OrderID: r.id, CustomerID: "c-1", ReservationID: resID, Reason: "over the limit", AmountCents: 2520, Currency: "EUR"})
	r.expect("PaymentDeclined", r.outbox(&n), order.Reserved, order.StepFailing, release)
	r.must(events.StockReleased{OrderID: r.id, ReservationID: resID, Items: lines, Reason: events.ReasonPaymentDeclined, Detail: "over the limit"})
	r.expect("StockReleased", r.outbox(&n), order.Failed, order.StepFailed)
	if o, _ := r.st.Get(context.Background(), r.id); o.Reason != order.DeclinedPrefix+"over the limit" {
		t.Errorf("reason %q", o.Reason)
	}
}

// TestCancelWhileReserving: the cancel waits for the reserve's reply; a
// reservation that arrives is released, never applied.
func TestCancelWhileReserving(t *testing.T) {
	r, n := newRig(t), 0
	r.placeOrder("c-1")
	r.outbox(&n)
	if _, pending, err := r.cancel.Cancel(context.Background(), r.id); err != nil || !pending {
		t.Fatalf("cancel: %v, %v", pending, err)
	}
	r.expect("cancel", r.outbox(&n), order.Cancelled, order.StepCancelReserving, cancels)
	r.must(r.reserved())
	r.expect("late StockReserved", r.outbox(&n), order.Cancelled, order.StepCancelled, release)
	r.must(events.StockReleased{OrderID: r.id, ReservationID: resID, Items: lines, Reason: events.ReasonCustomer})
	r.expect("StockReleased", r.outbox(&n), order.Cancelled, order.StepCancelled)
}

// TestCancelWhileCharging: the release goes at once; the invoice that
// arrives is voided.
func TestCancelWhileCharging(t *testing.T) {
	r, n := newRig(t), 0
	r.placeOrder("c-1")
	r.must(r.reserved())
	r.outbox(&n)
	if _, _, err := r.cancel.Cancel(context.Background(), r.id); err != nil {
		t.Fatal(err)
	}
	r.expect("cancel", r.outbox(&n), order.Cancelled, order.StepCancelCharging, cancels, release)
	r.must(r.issued())
	r.expect("late InvoiceIssued", r.outbox(&n), order.Cancelled, order.StepCancelled, void)
}

// TestCancelAfterConfirmed is too late: 409's ErrFinal, nothing sent.
func TestCancelAfterConfirmed(t *testing.T) {
	r, n := newRig(t), 0
	r.placeOrder("c-1")
	r.must(r.reserved())
	r.must(r.issued())
	r.outbox(&n)
	if _, _, err := r.cancel.Cancel(context.Background(), r.id); !errors.Is(err, order.ErrFinal) {
		t.Fatalf("cancel after confirmed: %v", err)
	}
	r.expect("late cancel", r.outbox(&n), order.Confirmed, order.StepConfirmed)
}

// TestDuplicateReplies: the same reply again (one id) and a second reply
// of the same kind (another id) send nothing more.
func TestDuplicateReplies(t *testing.T) {
	r, n := newRig(t), 0
	r.placeOrder("c-1")
	r.outbox(&n)
	env, err := r.reply(r.reserved())
	if err != nil {
		t.Fatal(err)
	}
	r.outbox(&n)
	b, _ := env.Encode()
	_, payload, _ := events.Decode(b)
	if err := r.proc.HandleOne(context.Background(), env, payload); err != nil {
		t.Fatal(err)
	}
	r.must(r.reserved())
	r.expect("duplicates", r.outbox(&n), order.Reserved, order.StepCharging)
}

// TestContradiction: an invoice before any charge was sent is dead-lettered.
func TestContradiction(t *testing.T) {
	r := newRig(t)
	r.placeOrder("c-1")
	if _, err := r.reply(r.issued()); !errors.Is(err, events.ErrInvalid) {
		t.Fatalf("InvoiceIssued while RESERVING: %v, want ErrInvalid", err)
	}
}

// TestUnknownOrder: a reservation for an order never had is released.
func TestUnknownOrder(t *testing.T) {
	r, n := newRig(t), 0
	r.id = "3f1c2a9e-8b7d-4e6f-9a01-2b3c4d5e6f70"
	r.must(r.reserved())
	if got := r.outbox(&n); len(got) != 1 || got[0] != release {
		t.Fatalf("sent %v, want ReleaseStock", got)
	}
	r.must(events.StockRejected{OrderID: r.id, Reason: "short"})
	if got := r.outbox(&n); len(got) != 0 {
		t.Fatalf("rejection of an unknown order sent %v", got)
	}
}
