package placing_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"

	"go.opentelemetry.io/otel/propagation"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/kafkabus"
	"github.com/orderflow/platform/outbox"

	"github.com/orderflow/order-svc/internal/order"
	"github.com/orderflow/order-svc/internal/placing"
	"github.com/orderflow/order-svc/internal/store"
)

// fakePublisher records what the dual write published.
type fakePublisher struct {
	msgs []kafkabus.Message
	err  error
}

func (f *fakePublisher) Publish(_ context.Context, msgs ...kafkabus.Message) error {
	if f.err != nil {
		return f.err
	}
	f.msgs = append(f.msgs, msgs...)
	return nil
}

// errCrashed stands for the process exiting at the crash point: the test's
// AfterCommit panics with it so nothing after the point runs, as after an
// os.Exit.
var errCrashed = errors.New("crashed")

// crashAt returns an AfterCommit that records what the world looked like at
// the crash point and then "exits".
func crashAt(t *testing.T, st *store.Store, pub *fakePublisher, seen *crashView) func(context.Context, string) {
	return func(ctx context.Context, what string) {
		seen.what = what
		seen.published = len(pub.msgs)
		seen.outboxRows = countRows(t, st, `SELECT COUNT(*) FROM outbox`)
		seen.orders = countRows(t, st, `SELECT COUNT(*) FROM orders`)
		panic(errCrashed)
	}
}

type crashView struct {
	what                          string
	published, outboxRows, orders int
}

func countRows(t *testing.T, st *store.Store, q string) int {
	t.Helper()
	var n int
	if err := st.DB.QueryRow(q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// place runs p.Place and reports whether it "crashed".
func place(p placing.Placer) (o order.Order, err error, crashed bool) {
	defer func() {
		if r := recover(); r != nil {
			if r != errCrashed {
				panic(r)
			}
			crashed = true
		}
	}()
	o, err = p.Place(context.Background(), draft)
	return o, err, false
}

// TestEventsDirectPublishes: with ORDER_PUBLISH=direct the order is
// committed without an outbox row and OrderPlaced goes straight to the
// producer, keyed by the order.
func TestEventsDirectPublishes(t *testing.T) {
	st := openStore(t)
	pub := &fakePublisher{}
	e := &placing.Events{Store: st, Direct: &placing.DirectPublish{Publisher: pub, Topic: "run1-orders.v1"}, Now: clock()}
	o, err := e.Place(context.Background(), draft)
	if err != nil || o.Status != order.Pending {
		t.Fatalf("Place = %+v, %v; want PENDING", o, err)
	}
	if n := countRows(t, st, `SELECT COUNT(*) FROM outbox`); n != 0 {
		t.Errorf("outbox has %d rows; the dual write writes none", n)
	}
	if len(pub.msgs) != 1 {
		t.Fatalf("published %d messages, want 1", len(pub.msgs))
	}
	m := pub.msgs[0]
	env, p, err := events.Decode(m.Value)
	if err != nil {
		t.Fatal(err)
	}
	if m.Topic != "run1-orders.v1" || m.Key != o.ID || m.EventType != events.TypeOrderPlaced || m.EventID != env.ID || p.(*events.OrderPlaced).OrderID != o.ID {
		t.Errorf("published %+v (%+v), want OrderPlaced of %s on run1-orders.v1", m, p, o.ID)
	}
}

// TestEventsDirectPublishFails: a failed publish leaves the order committed
// and unannounced, and the client hears of it.
func TestEventsDirectPublishFails(t *testing.T) {
	st := openStore(t)
	pub := &fakePublisher{err: errors.New("broker down")}
	e := &placing.Events{Store: st, Direct: &placing.DirectPublish{Publisher: pub, Topic: "orders.v1"}, Now: clock()}
	o, err := e.Place(context.Background(), draft)
	if err == nil {
		t.Fatal("Place hid the failed publish")
	}
	if saved, gerr := st.Get(context.Background(), o.ID); gerr != nil || saved.Status != order.Pending {
		t.Fatalf("order = %+v, %v; want it committed PENDING", saved, gerr)
	}
}

// TestCrashAfterCommit: the crash point comes after the commit and before
// the order's news leaves the process, in each placer. What survives the
// crash decides the order's fate: the outbox row (published after the
// restart), nothing (direct: PENDING forever), or nothing (sync: PENDING,
// inventory never called).
func TestCrashAfterCommit(t *testing.T) {
	for _, c := range []struct {
		name       string
		build      func(st *store.Store, pub *fakePublisher, inv *fakeInventory) placing.Placer
		wantOutbox int
	}{
		{"events with the outbox: the row survives", func(st *store.Store, _ *fakePublisher, _ *fakeInventory) placing.Placer {
			return &placing.Events{Store: st, Outbox: &outbox.Writer{Topic: "orders.v1", Propagator: propagation.TraceContext{}, Relay: &countingNotifier{}}, Now: clock()}
		}, 1},
		{"events direct: nothing survives but the order", func(st *store.Store, pub *fakePublisher, _ *fakeInventory) placing.Placer {
			return &placing.Events{Store: st, Direct: &placing.DirectPublish{Publisher: pub, Topic: "orders.v1"}, Now: clock()}
		}, 0},
		{"sync: inventory is never called", func(st *store.Store, _ *fakePublisher, inv *fakeInventory) placing.Placer {
			return &placing.Sync{Store: st, Inventory: inv, Invoicing: &fakeInvoicing{}, Logger: slog.New(slog.DiscardHandler), Now: clock()}
		}, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := openStore(t)
			pub, inv := &fakePublisher{}, &fakeInventory{resID: "res-1"}
			var seen crashView
			p := c.build(st, pub, inv)
			switch p := p.(type) {
			case *placing.Events:
				p.AfterCommit = crashAt(t, st, pub, &seen)
			case *placing.Sync:
				p.AfterCommit = crashAt(t, st, pub, &seen)
			}
			_, _, crashed := place(p)
			if !crashed {
				t.Fatal("the crash point was never reached")
			}
			if seen.orders != 1 {
				t.Errorf("at the crash point %d orders were committed, want 1", seen.orders)
			}
			if seen.published != 0 || len(pub.msgs) != 0 {
				t.Errorf("OrderPlaced was published before the crash point")
			}
			if seen.outboxRows != c.wantOutbox {
				t.Errorf("at the crash point the outbox held %d rows, want %d", seen.outboxRows, c.wantOutbox)
			}
			if len(inv.reserved) != 0 {
				t.Errorf("inventory-svc was called before the crash point")
			}
			if seen.what == "" {
				t.Error("the crash point says nothing about where it is")
			}
		})
	}
}
