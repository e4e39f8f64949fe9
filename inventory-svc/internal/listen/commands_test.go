package listen_test

import (
	"errors"
	"testing"
	"time"

	"go.opentelemetry.io/otel/propagation"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/outbox"

	"github.com/orderflow/inventory-svc/internal/listen"
	"github.com/orderflow/inventory-svc/internal/stock"
)

// commandFixture is inventory-svc's consumer as SAGA=orchestration wires it:
// the commands' routes, the answers on the reply channel.
func commandFixture(t *testing.T) *fixture {
	f := newFixture(t)
	f.proc.Routes = (&listen.Handler{Now: func() time.Time { return t0.Add(time.Second) }}).CommandRoutes()
	f.proc.Outbox = &outbox.Writer{Topic: events.TopicSagaReplies, Propagator: propagation.TraceContext{}, Relay: f.relay}
	return f
}

func reserveCmd(lines ...stock.Line) events.ReserveStock {
	return events.ReserveStock{OrderID: orderID, CustomerID: "c-1", Items: lines}
}

func releaseCmd(reservationID, reason, detail string) events.ReleaseStock {
	return events.ReleaseStock{OrderID: orderID, ReservationID: reservationID, Reason: reason, Detail: detail}
}

// TestReserveStockReplies: ReserveStock holds the stock and replies
// StockReserved naming the command; a second delivery of the same command
// changes nothing and replies nothing more.
func TestReserveStockReplies(t *testing.T) {
	f := commandFixture(t)
	env, payload := delivered(t, reserveCmd(stock.Line{SKU: "SKU-001", Qty: 2}))
	envs, out, err := f.handleEnv(env, payload)
	if err != nil || len(out) != 1 {
		t.Fatalf("ReserveStock: %d replies, %v", len(out), err)
	}
	r, ok := out[0].(*events.StockReserved)
	if !ok || r.ReservationID != f.row().ID || r.CustomerID != "c-1" || envs[0].ReplyTo != env.ID {
		t.Fatalf("reply %+v (reply_to %q), want StockReserved of %s naming command %s", out[0], envs[0].ReplyTo, f.row().ID, env.ID)
	}
	if _, out, err := f.handleEnv(env, payload); err != nil || len(out) != 0 || f.reserved("SKU-001") != 2 {
		t.Fatalf("duplicate command: %d replies, %v, reserved %d; want none, 2", len(out), err, f.reserved("SKU-001"))
	}
}

// TestReserveStockShortReplies: a short line rejects with StockRejected.
func TestReserveStockShortReplies(t *testing.T) {
	f := commandFixture(t)
	_, out, err := f.handle(reserveCmd(stock.Line{SKU: "SKU-005", Qty: 4}))
	if err != nil || len(out) != 1 {
		t.Fatalf("ReserveStock short: %d replies, %v", len(out), err)
	}
	if r, ok := out[0].(*events.StockRejected); !ok || r.SKU != "SKU-005" || f.row().Status != stock.StatusRejected {
		t.Fatalf("reply %+v, row %+v; want StockRejected SKU-005, REJECTED", out[0], f.row())
	}
}

// TestReleaseStockReplies: ReleaseStock gives the reservation back with the
// command's reason and detail; a second one (another id) changes nothing.
func TestReleaseStockReplies(t *testing.T) {
	for _, reason := range []string{events.ReasonPaymentDeclined, events.ReasonCustomer, events.ReasonDeadline} {
		t.Run(reason, func(t *testing.T) {
			f := commandFixture(t)
			if _, _, err := f.handle(reserveCmd(stock.Line{SKU: "SKU-001", Qty: 2})); err != nil {
				t.Fatal(err)
			}
			id := f.row().ID
			_, out, err := f.handle(releaseCmd(id, reason, "the detail"))
			if err != nil || len(out) != 1 {
				t.Fatalf("ReleaseStock: %d replies, %v", len(out), err)
			}
			if r, ok := out[0].(*events.StockReleased); !ok || r.Reason != reason || r.Detail != "the detail" || r.ReservationID != id {
				t.Fatalf("reply %+v, want StockReleased %s", out[0], reason)
			}
			if f.reserved("SKU-001") != 0 || f.row().Status != stock.StatusReleased {
				t.Fatalf("after release: reserved %d, row %+v", f.reserved("SKU-001"), f.row())
			}
			if _, out, err := f.handle(releaseCmd(id, reason, "")); err != nil || len(out) != 0 {
				t.Fatalf("second release: %d replies, %v; want none", len(out), err)
			}
		})
	}
}

// TestReleaseStockOfAnotherReservation is dead-lettered, nothing released.
func TestReleaseStockOfAnotherReservation(t *testing.T) {
	f := commandFixture(t)
	if _, _, err := f.handle(reserveCmd(stock.Line{SKU: "SKU-001", Qty: 2})); err != nil {
		t.Fatal(err)
	}
	_, out, err := f.handle(releaseCmd(anyReservationID, events.ReasonCustomer, ""))
	if !errors.Is(err, events.ErrInvalid) || len(out) != 0 || f.reserved("SKU-001") != 2 {
		t.Fatalf("release of another reservation: %v, %d replies, reserved %d; want ErrInvalid, none, 2", err, len(out), f.reserved("SKU-001"))
	}
}

// TestChoreographyEventsHaveNoCommandRoute: in orchestration the
// participant follows only its commands.
func TestChoreographyEventsHaveNoCommandRoute(t *testing.T) {
	f := commandFixture(t)
	if _, out, err := f.handle(placed(stock.Line{SKU: "SKU-001", Qty: 1})); err != nil || len(out) != 0 || f.row().Status != stock.StatusNone {
		t.Fatalf("OrderPlaced in orchestration: %d out, %v, row %+v; want skipped", len(out), err, f.row())
	}
}
