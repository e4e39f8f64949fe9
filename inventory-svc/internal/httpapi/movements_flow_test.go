package httpapi

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/problem"
)

// TestMovements walks one SKU through receipts, adjustments, a reservation
// and the refusals, in both wirings: with an outbox (events mode) every new
// movement adds its event and wakes the relay after the commit; without one
// (sync mode) the answers are the same and nothing is published.
func TestMovements(t *testing.T) {
	for _, withOutbox := range []bool{true, false} {
		name := map[bool]string{true: "events mode", false: "sync mode"}[withOutbox]
		t.Run(name, func(t *testing.T) {
			e, _, ob := newAPI(t, withOutbox)
			steps := []struct {
				name      string
				path      string
				body      string
				code      int
				check     map[string]any // members of the answer (or problem)
				stock     []float64      // on_hand, reserved, available after; nil: not checked
				published string         // the event type a new movement publishes
			}{
				{"receipt", "/stock/SKU-005/receipts", `{"quantity":40,"reference":"DN-1"}`, 201,
					map[string]any{"sku": "SKU-005", "quantity": 40.0, "reference": "DN-1", "received_at": "2025-11-03T09:00:00Z", "on_hand_after": 43.0},
					[]float64{43, 0, 43}, events.TypeStockReceived},
				{"receipt replayed", "/stock/SKU-005/receipts", `{"quantity":40,"reference":"DN-1"}`, 200,
					map[string]any{"quantity": 40.0, "on_hand_after": 43.0}, []float64{43, 0, 43}, ""},
				{"receipt without reference", "/stock/SKU-005/receipts", `{"quantity":2}`, 201,
					map[string]any{"quantity": 2.0, "on_hand_after": 45.0}, []float64{45, 0, 45}, events.TypeStockReceived},
				{"adjustment down", "/stock/SKU-005/adjustments", `{"delta":-5,"reason":"count: 5 broken","reference":"CNT-1"}`, 201,
					map[string]any{"sku": "SKU-005", "delta": -5.0, "reason": "count: 5 broken", "reference": "CNT-1", "adjusted_at": "2025-11-03T09:00:00Z", "on_hand_after": 40.0},
					[]float64{40, 0, 40}, events.TypeStockAdjusted},
				{"adjustment replayed", "/stock/SKU-005/adjustments", `{"delta":-5,"reason":"count: 5 broken","reference":"CNT-1"}`, 200,
					map[string]any{"delta": -5.0, "on_hand_after": 40.0}, []float64{40, 0, 40}, ""},
				{"reservation of 30", "/reservations", `{"order_id":"0b6f3c4e-6a8e-4d5b-9a55-1f4f0c9d2e11","items":[{"sku":"SKU-005","qty":30}]}`, 201,
					map[string]any{"status": "RESERVED"}, nil, ""},
				{"adjustment below reserved", "/stock/SKU-005/adjustments", `{"delta":-11,"reason":"write-off","reference":"CNT-2"}`, 409,
					map[string]any{"type": problem.TypeBase + "insufficient-stock", "sku": "SKU-005", "delta": -11.0, "max_removable": 10.0, "on_hand": 40.0, "reserved": 30.0,
						"detail": "SKU SKU-005: cannot remove 11: on_hand 40 with 30 reserved, at most 10 can be removed"},
					nil, ""},
				{"adjustment to exactly 0 available", "/stock/SKU-005/adjustments", `{"delta":-10,"reason":"write-off","reference":"CNT-2"}`, 201,
					map[string]any{"on_hand_after": 30.0}, []float64{30, 30, 0}, events.TypeStockAdjusted},
				{"adjustment up", "/stock/SKU-005/adjustments", `{"delta":3,"reason":"found in the back"}`, 201,
					map[string]any{"on_hand_after": 33.0}, []float64{33, 30, 3}, events.TypeStockAdjusted},
			}
			var ids = map[string]string{}
			wantEvents := 0
			for _, s := range steps {
				r := call(t, e, http.MethodPost, s.path, s.body)
				if r.code != s.code {
					t.Fatalf("%s: %s = %d %v, want %d", s.name, s.path, r.code, r.body, s.code)
				}
				for k, want := range s.check {
					if r.body[k] != want {
						t.Errorf("%s: %s = %v, want %v (%v)", s.name, k, r.body[k], want, r.body)
					}
				}
				if s.code == 409 && r.ct != problem.ContentType {
					t.Errorf("%s: Content-Type %q", s.name, r.ct)
				}
				if s.stock != nil {
					st := r.stock()
					if got := []float64{st["on_hand"].(float64), st["reserved"].(float64), st["available"].(float64)}; !slices.Equal(got, s.stock) || st["sku"] != "SKU-005" {
						t.Errorf("%s: stock = %v, want on_hand, reserved, available %v", s.name, st, s.stock)
					}
					// GET /stock/{sku} says the same.
					if g := call(t, e, http.MethodGet, "/stock/SKU-005", ""); g.body["on_hand"] != s.stock[0] || g.body["reserved"] != s.stock[1] || g.body["available"] != s.stock[2] {
						t.Errorf("%s: GET /stock/SKU-005 = %v, want %v", s.name, g.body, s.stock)
					}
				}
				// A replay answers the first movement's id.
				if ref, _ := r.body["reference"].(string); ref != "" {
					id, _ := r.body["id"].(string)
					if first, seen := ids[ref]; seen && first != id {
						t.Errorf("%s: id %s, want the first movement's %s", s.name, id, first)
					}
					ids[ref] = id
				}
				if s.published != "" {
					wantEvents++
				}
				if withOutbox {
					checkPublished(t, s.name, ob, wantEvents, s.published, r.body)
				}
			}
		})
	}
}

// checkPublished: the outbox holds want events, the newest (when published
// is set) announcing the movement in body, and the relay was woken once per
// event, each time after its movement was committed.
func checkPublished(t *testing.T, step string, ob *fakeOutbox, want int, published string, body map[string]any) {
	t.Helper()
	if len(ob.added) != want || len(ob.notified) != want {
		t.Fatalf("%s: %d events added, %d wake-ups; want %d", step, len(ob.added), len(ob.notified), want)
	}
	if published == "" {
		return
	}
	env := ob.added[want-1]
	if env.Type != published || env.Key() != "SKU-005" || env.OrderID != "" || ob.notified[want-1] == 0 {
		t.Fatalf("%s: event %+v (movements committed at wake-up: %v)", step, env, ob.notified)
	}
	b, _ := env.Encode()
	_, p, err := events.Decode(b)
	if err != nil {
		t.Fatalf("%s: the event does not decode: %v", step, err)
	}
	var got map[string]any
	raw, _ := json.Marshal(p)
	_ = json.Unmarshal(raw, &got)
	if got["movement_id"] != body["id"] || got["on_hand_after"] != body["on_hand_after"] || got["sku"] != "SKU-005" {
		t.Fatalf("%s: payload %v does not announce %v", step, got, body)
	}
	for _, k := range []string{"quantity", "delta", "reason", "reference"} {
		if got[k] != body[k] {
			t.Errorf("%s: payload %s = %v, answer says %v", step, k, got[k], body[k])
		}
	}
}
