package dashboard

import (
	"net/http"
	"time"

	"github.com/orderflow/platform/problem"
)

// cancel is the fake order-svc's POST /orders/{id}/cancel: a not-final
// order becomes CANCELLED (202), its release following one read later when
// it was reserved; a CONFIRMED one is a 409.
func (f *fakeStack) cancel(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	o, ok := f.orders[r.PathValue("id")]
	switch {
	case !ok:
		problem.Write(w, problem.New(http.StatusNotFound, "not-found", "Order not found", "no such order"))
		return
	case o.cancelled:
		writeJSON(w, http.StatusOK, f.view(o))
		return
	case o.reads+1 >= len(fakeSteps):
		problem.Write(w, problem.New(http.StatusConflict, "order-final", "Too late to cancel",
			"order "+o.id+" is CONFIRMED: only an order that is not final can be cancelled").With("order_id", o.id).With("order_status", "CONFIRMED"))
		return
	}
	o.cancelled, o.cancelReads = true, o.reads
	writeJSON(w, http.StatusAccepted, f.view(o))
}

// cancelledView: the steps before the cancel, the cancel at +50 ms and, a
// read after it, the release of a reserved order at +60 ms.
func (f *fakeStack) cancelledView(o *fakeOrder) map[string]any {
	var tl []map[string]any
	add := func(step string, ms float64) {
		tl = append(tl, map[string]any{"step": step, "after_ms": ms, "at": o.at.Add(time.Duration(ms * float64(time.Millisecond)))})
	}
	n := min(o.cancelReads+1, len(fakeSteps))
	for _, s := range fakeSteps[:n] {
		add(s.step, s.ms)
	}
	add("cancelled", 50)
	if n > 1 && o.reads > o.cancelReads {
		add("released", 60)
	}
	return map[string]any{"id": o.id, "customer_id": "c", "items": []any{map[string]any{"sku": "SKU-001", "qty": 1}},
		"status": "CANCELLED", "reason": "customer", "final": true, "time_to_final_ms": 50.0, "placed_at": o.at, "updated_at": o.at, "timeline": tl}
}
