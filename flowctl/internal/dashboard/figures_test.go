package dashboard

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"
)

func rowsOf(n int, placement, ttc float64) []OrderView {
	out := make([]OrderView, n)
	for i := range out {
		t := ttc + float64(i)
		out[i] = OrderView{ID: "o", Status: "CONFIRMED", Final: true, HTTPStatus: 202, PlacementMS: placement + float64(i), TimeToFinalMS: &t, seq: i}
	}
	return out
}

// Below 100 orders the tail is called max and is the largest value; from
// 100 on it is the p99, which is not the largest.
func TestLatencyFiguresNameTheTailHonestly(t *testing.T) {
	small := latencyFigures("events", rowsOf(99, 1, 10), 200)
	if small.PlacementTail.Name != "max" || *small.PlacementTail.Value != 99 || small.PlacementTail.N != 99 {
		t.Errorf("99 orders: %+v", small.PlacementTail)
	}
	big := latencyFigures("events", rowsOf(150, 1, 10), 200)
	if big.PlacementTail.Name != "p99" || *big.PlacementTail.Value != 149 || big.TTCTail.Name != "p99" {
		t.Errorf("150 orders: %+v %+v", big.PlacementTail, big.TTCTail)
	}
	if big.PlacementTail.Text != "p99 149 ms (n=150)" || big.PlacementP50.Text != "75 ms (n=150)" {
		t.Errorf("texts %q, %q", big.PlacementTail.Text, big.PlacementP50.Text)
	}
}

// The figures cover the newest window orders only; an order not final adds
// a placement but no time to consistency, one never answered neither.
func TestLatencyFiguresWindowAndSamples(t *testing.T) {
	rows := rowsOf(10, 1, 10)
	rows[9].Final, rows[9].TimeToFinalMS, rows[9].Status = false, nil, "PENDING"
	rows[8].HTTPStatus, rows[8].Status, rows[8].TimeToFinalMS = 0, "NOT PLACED", nil
	// A FAILED order is final at once: it is no time to consistency.
	rows[7].Status = "FAILED"
	f := latencyFigures("sync", rows, 5)
	if f.Orders.N != 5 || f.PlacementP50.N != 4 || f.TTCP50.N != 2 {
		t.Errorf("orders n=%d placement n=%d ttc n=%d", f.Orders.N, f.PlacementP50.N, f.TTCP50.N)
	}
	if f.ByStatus["PENDING"] != 1 || f.ByStatus["NOT PLACED"] != 1 || f.ByStatus["FAILED"] != 1 || f.ByStatus["CONFIRMED"] != 2 {
		t.Errorf("by status %v", f.ByStatus)
	}
	empty := latencyFigures("sync", nil, 5)
	if empty.PlacementP50.Value != nil || empty.TTCTail.Value != nil || empty.PlacementP50.Text != "– (n=0)" {
		t.Errorf("no orders: %+v %+v", empty.PlacementP50, empty.TTCTail)
	}
}

// The figures agree with the rows: an order turning final is counted in a
// figures update sent then, not at the next poll (an hour away here).
func TestFiguresFollowAnOrderTurningFinal(t *testing.T) {
	_, hs, _ := newTestServerPolling(t, testToken, time.Hour)
	events := stream(t, hs.URL)
	status, _, body := call(t, http.MethodPost, hs.URL+"/api/orders", map[string]any{"mode": "events"})
	if status != http.StatusCreated {
		t.Fatalf("POST /api/orders = %d: %s", status, body)
	}
	ev := await(t, events, 10*time.Second, func(ev sseEvent) bool {
		var f Figures
		return ev.Name == "figures" && json.Unmarshal([]byte(ev.Data), &f) == nil && f.Mode == "events" && f.TTCP50.N == 1
	})
	var f Figures
	_ = json.Unmarshal([]byte(ev.Data), &f)
	if f.Orders.N != 1 || f.ByStatus["CONFIRMED"] != 1 || f.TTCP50.Value == nil || *f.TTCP50.Value != 41 {
		t.Errorf("figures after the order turned final: %+v", f)
	}
}
