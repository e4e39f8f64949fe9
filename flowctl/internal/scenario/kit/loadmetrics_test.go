package kit

import (
	"testing"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/load"
)

// placed is one followed order of status, final after ms.
func placed(status string, ms float64) load.Placed {
	return load.Placed{HTTPStatus: 202, PlacementMS: 1, Order: api.Order{ID: status + "-x",
		Status: api.OrderStatus(status), Final: status != "PENDING", TimeToFinalMS: &ms}}
}

// TestTimeToConsistencyIsOverConfirmedOrders: sync's FAILED orders while
// inventory is down are final after ~1 ms; counted, they would make the
// mode that failed look the more consistent. The outcome's time to
// consistency is the CONFIRMED orders' only, the rest are in ByStatus.
func TestTimeToConsistencyIsOverConfirmedOrders(t *testing.T) {
	res := load.Result{Orders: []load.Placed{
		placed("FAILED", 1), placed("FAILED", 1), placed("REJECTED", 2), placed("CANCELLED", 3),
		placed("CONFIRMED", 400), placed("CONFIRMED", 600),
	}}
	o := OutcomeOf(load.Summarize(res), len(res.Orders))
	if n := o.Value(TTCN.Key); n != 2 {
		t.Errorf("time to consistency n = %g, want 2 (the CONFIRMED orders)", n)
	}
	if p50, tail := o.Value(TTCP50.Key), o.Value(TTCP99.Key); p50 != 400 || tail != 600 {
		t.Errorf("time to consistency p50 %g / max %g ms, want 400 / 600: a failed order counted", p50, tail)
	}
	if len(o.TimeToFinal) != 2 {
		t.Errorf("the chart's samples = %v, want the 2 CONFIRMED orders'", o.TimeToFinal)
	}
	if o.ByStatus["FAILED"] != 2 || o.ByStatus["REJECTED"] != 1 || o.ByStatus["CANCELLED"] != 1 {
		t.Errorf("statuses = %v: the orders left out must still be counted", o.ByStatus)
	}
}

// TestNoConsistencyWithoutConfirmedOrders: sync's downstream-down has only
// FAILED orders; a p50 of no samples is recorded as no number, not 0 ms.
func TestNoConsistencyWithoutConfirmedOrders(t *testing.T) {
	res := load.Result{Orders: []load.Placed{placed("FAILED", 1), placed("FAILED", 2)}}
	o := OutcomeOf(load.Summarize(res), len(res.Orders))
	for _, k := range []MetricKey{TTCP50.Key, TTCP99.Key} {
		if m, ok := o.Metric(k); ok {
			t.Errorf("%s = %g %s over no CONFIRMED order", k, m.Value, m.Unit)
		}
	}
	if n, ok := o.Metric(TTCN.Key); !ok || n.Value != 0 {
		t.Errorf("time to consistency n = %+v, want 0 recorded", n)
	}
}
