package listen_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/orderflow/platform/consume"
	"github.com/orderflow/platform/events"

	"github.com/orderflow/fraud-svc/internal/check"
	"github.com/orderflow/fraud-svc/internal/listen"
	"github.com/orderflow/fraud-svc/internal/store"
)

const order = "3f1c2a9e-8b7d-4e6f-9a01-2b3c4d5e6f70"

var t0 = time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)

type rig struct {
	t  *testing.T
	st *store.Store
}

func newRig(t *testing.T) rig {
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "fraud.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return rig{t, st}
}

// handle runs the route of p's type, as platform/consume would, in one tx.
func (r rig) handle(routes consume.Routes, p events.Payload) (events.Envelope, []events.Envelope) {
	r.t.Helper()
	env, err := events.New(order, t0, p)
	if err != nil {
		r.t.Fatal(err)
	}
	var out []events.Envelope
	err = r.st.InTx(context.Background(), func(tx *sql.Tx) error {
		var err error
		out, err = routes[p.EventType()](context.Background(), tx, env, p)
		return err
	})
	if err != nil {
		r.t.Fatal(err)
	}
	return env, out
}

func handler() *listen.Handler {
	return &listen.Handler{Now: func() time.Time { return t0 }, Rule: check.Rule{LimitUnits: 5}}
}

func reserved(customer string, qty int) *events.StockReserved {
	return &events.StockReserved{OrderID: order, ReservationID: "r1", CustomerID: customer, Items: []events.Line{{SKU: "SKU-001", Qty: qty}}}
}

// TestReservedClearedOnce: a StockReserved within the rule is announced
// FraudCleared with the reservation's customer and lines; a redelivery
// announces nothing.
func TestReservedClearedOnce(t *testing.T) {
	r := newRig(t)
	_, out := r.handle(handler().Routes(), reserved("cust-1", 5))
	if len(out) != 1 || out[0].Type != events.TypeFraudCleared {
		t.Fatalf("announced %+v, want one FraudCleared", out)
	}
	var c events.FraudCleared
	if err := json.Unmarshal(out[0].Payload, &c); err != nil || c.CustomerID != "cust-1" || c.ReservationID != "r1" || len(c.Items) != 1 {
		t.Errorf("FraudCleared %+v, %v", c, err)
	}
	if _, again := r.handle(handler().Routes(), reserved("cust-1", 5)); len(again) != 0 {
		t.Errorf("redelivery announced %+v, want nothing", again)
	}
}

// TestReservedSuspected: over the limit, or the flagged customer, is
// FraudSuspected with the reason.
func TestReservedSuspected(t *testing.T) {
	for _, p := range []*events.StockReserved{reserved("cust-1", 6), reserved("cust-fraud", 1)} {
		r := newRig(t)
		_, out := r.handle(handler().Routes(), p)
		if len(out) != 1 || out[0].Type != events.TypeFraudSuspected {
			t.Fatalf("%+v: announced %+v, want one FraudSuspected", p, out)
		}
		var s events.FraudSuspected
		if err := json.Unmarshal(out[0].Payload, &s); err != nil || s.Reason == "" || s.ReservationID != "r1" {
			t.Errorf("FraudSuspected %+v, %v", s, err)
		}
	}
}

// TestCheckFraudReplies: the command's verdict is a reply naming it; a
// repeat is not answered.
func TestCheckFraudReplies(t *testing.T) {
	r := newRig(t)
	cmd := &events.CheckFraud{OrderID: order, CustomerID: "cust-1", ReservationID: "r1", Items: []events.Line{{SKU: "SKU-001", Qty: 9}}}
	env, out := r.handle(handler().CommandRoutes(), cmd)
	if len(out) != 1 || out[0].Type != events.TypeFraudSuspected || out[0].ReplyTo != env.ID {
		t.Fatalf("replied %+v, want one FraudSuspected naming %s", out, env.ID)
	}
	if _, again := r.handle(handler().CommandRoutes(), cmd); len(again) != 0 {
		t.Errorf("repeat replied %+v, want nothing", again)
	}
}
