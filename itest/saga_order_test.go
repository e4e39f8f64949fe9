package itest

import (
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/segmentio/kafka-go"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/events"

	inventory "github.com/orderflow/inventory-svc/app"
	orders "github.com/orderflow/order-svc/app"
)

// cancelOrder is POST /orders/{id}/cancel.
func (s *stack) cancelOrder(id string) response {
	return do(s.t, http.MethodPost, s.url[orders.Name]+"/orders/"+id+"/cancel", nil)
}

// waitStatus polls the order until its status is want.
func (s *stack) waitStatus(id, want string) orderView {
	s.t.Helper()
	var o orderView
	eventually(s.t, 20*time.Second, "order "+id+" "+want, func() (bool, string) {
		o = s.getOrder(id)
		return o.Status == want, o.Status
	})
	return o
}

// order-svc's side of the saga in events mode, over the real services on
// the broker (inventory-svc's and invoicing-svc's compensations are their
// own lanes' tests).
func TestEventsOrderSaga(t *testing.T) {
	t.Run("customer cancel while inventory is behind", func(t *testing.T) {
		s := startStack(t, stackOpts{mode: config.ModeEvents, env: withAdmin()})
		s.setFaults(inventory.Name, `{"consumers_paused":true}`)
		var o orderView
		s.place("c-1", item("SKU-001", 1)).decode(t, &o)
		r := s.cancelOrder(o.ID)
		var c orderView
		r.decode(t, &c)
		if r.status != http.StatusAccepted || c.Status != "CANCELLED" || c.Reason != "customer" || !c.Final {
			t.Fatalf("cancel = %d %s", r.status, r.body)
		}
		if again := s.cancelOrder(o.ID); again.status != http.StatusOK {
			t.Fatalf("second cancel = %d %s, want 200 (idempotent)", again.status, again.body)
		}
		// OrderPlaced, then OrderCancelled, on the order's partition.
		msgs := readAllEventually(t, s.prefix+events.TopicOrders, 2)
		env, p, err := events.Decode(msgs[len(msgs)-1].Value)
		if err != nil || env.Type != events.TypeOrderCancelled || p.(*events.OrderCancelled).Reason != events.ReasonCustomer || string(msgs[len(msgs)-1].Key) != o.ID {
			t.Fatalf("last orders.v1 message = %s %+v (%v), want OrderCancelled(customer) keyed by the order", env.Type, p, err)
		}
		// The late answers change the status no more: they join the timeline.
		s.setFaults(inventory.Name, `{}`)
		eventually(t, 20*time.Second, "late steps recorded", func() (bool, string) {
			got := s.getOrder(o.ID)
			return got.Status == "CANCELLED" && slices.Contains(got.steps(), "reserved"), fmt.Sprint(got.Status, got.steps())
		})
	})

	t.Run("deadline", func(t *testing.T) {
		env := withAdmin()
		env[orders.Name]["ORDER_DEADLINE"] = "300ms"
		s := startStack(t, stackOpts{mode: config.ModeEvents, env: env})
		s.setFaults(inventory.Name, `{"consumers_paused":true}`)
		var o orderView
		s.place("c-1", item("SKU-001", 1)).decode(t, &o)
		got := s.waitStatus(o.ID, "CANCELLED")
		if got.Reason != events.ReasonDeadline || !slices.Contains(got.steps(), "cancelled") {
			t.Fatalf("order = %+v, want CANCELLED (deadline) with its step", got)
		}
		if r := s.cancelOrder(o.ID); r.status != http.StatusOK {
			t.Fatalf("customer cancel after the deadline = %d, want 200 (already cancelled)", r.status)
		}
		var knobs struct{ Knobs map[string]any }
		do(t, http.MethodGet, s.url[orders.Name]+"/admin/knobs", nil).decode(t, &knobs)
		if knobs.Knobs["ORDER_DEADLINE"] != "300ms" {
			t.Fatalf("/admin/knobs = %v, want ORDER_DEADLINE 300ms", knobs)
		}
	})

	t.Run("reservation for an unknown order", func(t *testing.T) {
		s := startStack(t, stackOpts{mode: config.ModeEvents})
		id := uuid.NewString()
		env, err := events.New(id, time.Now(), events.StockReserved{OrderID: id, ReservationID: uuid.NewString(), CustomerID: "kcat", Items: []events.Line{{SKU: "SKU-001", Qty: 7}}})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := env.Encode()
		writeRaw(t, kafka.Message{Topic: s.prefix + events.TopicInventory, Key: []byte(id), Value: b})
		eventually(t, 20*time.Second, "a row for the unknown order", func() (bool, string) {
			r := do(t, http.MethodGet, s.url[orders.Name]+"/orders/"+id, nil)
			return r.status == http.StatusOK, string(r.body)
		})
		got := s.waitStatus(id, "CANCELLED")
		if got.Reason != events.ReasonUnknownOrder {
			t.Fatalf("order = %+v, want CANCELLED (unknown_order)", got)
		}
		msgs := readAllEventually(t, s.prefix+events.TopicOrders, 1)
		if e, _, err := events.Decode(msgs[0].Value); err != nil || e.Type != events.TypeOrderCancelled || e.OrderID != id {
			t.Fatalf("orders.v1 = %s %s (%v), want OrderCancelled for %s", e.Type, e.OrderID, err, id)
		}
	})

	t.Run("too late to cancel", func(t *testing.T) {
		s := startStack(t, stackOpts{mode: config.ModeEvents})
		var o orderView
		s.place("c-1", item("SKU-001", 1)).decode(t, &o)
		s.waitStatus(o.ID, "CONFIRMED")
		var p problemView
		r := s.cancelOrder(o.ID)
		r.decode(t, &p)
		if r.status != http.StatusConflict || p.Type != "https://orderflow.dev/problems/order-final" {
			t.Fatalf("cancel a CONFIRMED order = %d %s", r.status, r.body)
		}
		if r := s.cancelOrder(uuid.NewString()); r.status != http.StatusNotFound {
			t.Fatalf("cancel an unknown order = %d", r.status)
		}
	})
}

// Sync: a cancel while the placing request waits on a slow inventory-svc
// cancels the order; the placing request releases the reservation it then
// gets, answers 409 order-cancelled, and the stock is not held.
func TestSyncCancelInFlight(t *testing.T) {
	env := withAdmin()
	delete(env, orders.Name)
	s := startStack(t, stackOpts{mode: config.ModeSync, env: env})
	s.setFaults(inventory.Name, `{"latency":"600ms"}`)
	before := s.reservedOf("SKU-002")
	placed := make(chan response, 1)
	go func() { placed <- s.place("c-1", item("SKU-002", 2)) }()
	var list struct {
		Orders []orderView `json:"orders"`
	}
	eventually(t, 5*time.Second, "order stored", func() (bool, string) {
		do(t, http.MethodGet, s.url[orders.Name]+"/orders?limit=1", nil).decode(t, &list)
		return len(list.Orders) == 1, ""
	})
	id := list.Orders[0].ID
	r := s.cancelOrder(id)
	var c orderView
	r.decode(t, &c)
	if r.status != http.StatusOK || c.Status != "CANCELLED" {
		t.Fatalf("cancel in flight = %d %s, want 200 CANCELLED", r.status, r.body)
	}
	p := <-placed
	var pv problemView
	p.decode(t, &pv)
	if p.status != http.StatusConflict || pv.Type != "https://orderflow.dev/problems/order-cancelled" {
		t.Fatalf("POST /orders after the cancel = %d %s, want 409 order-cancelled", p.status, p.body)
	}
	got := s.getOrder(id)
	if got.Status != "CANCELLED" || !slices.Contains(got.steps(), "released") {
		t.Fatalf("order = %+v, want CANCELLED with its reservation released", got)
	}
	s.setFaults(inventory.Name, `{}`)
	if after := s.reservedOf("SKU-002"); after != before {
		t.Fatalf("SKU-002 reserved %d → %d: the cancelled order holds stock", before, after)
	}
	if r := s.cancelOrder(id); r.status != http.StatusOK {
		t.Fatalf("second cancel = %d, want 200", r.status)
	}
}
