package dashboard

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/orderflow/platform/problem"

	"github.com/orderflow/flowctl/internal/api"
)

// cancelOrder cancels an order as its customer would (order-svc's POST
// /orders/{id}/cancel) and answers what order-svc said: the order CANCELLED
// (202 in events, the compensations to follow; 200 in sync or when it was
// already cancelled), or a 409 problem with order-svc's detail when the
// order ended otherwise. A row of the page shows the answer and is followed
// again until its compensations arrive.
func (s *Server) cancelOrder(w http.ResponseWriter, r *http.Request) {
	ms, ok := s.mode(w, r.PathValue("mode"))
	if !ok {
		return
	}
	if !readJSON(w, r, &struct{}{}) {
		return
	}
	id := r.PathValue("id")
	res, err := ms.orders.Cancel(r.Context(), id)
	pe, isProblem := errors.AsType[*api.ProblemError](err)
	switch {
	case isProblem && pe.Status == http.StatusConflict:
		ms.tracker.cancelAnswered(id, fmt.Sprintf("409 %s: %s", res.Order.Status, pe.Detail), nil)
		problem.Write(w, problem.New(http.StatusConflict, "order-final", pe.Title, pe.Detail).With("order_status", string(res.Order.Status)))
		return
	case isProblem && (pe.Status == http.StatusNotFound || pe.Status == http.StatusBadRequest):
		notFound(w, "Unknown order", fmt.Sprintf("the %s stack's order-svc does not know order %q", ms.mode, id))
		return
	case err != nil:
		failed(w, "order-svc did not answer the cancel", err)
		return
	}
	answer := fmt.Sprintf("%d %s", res.HTTPStatus, res.Order.Status)
	v, placedHere := ms.tracker.cancelAnswered(id, answer, &res.Order)
	out := map[string]any{"mode": ms.mode, "id": id, "http_status": res.HTTPStatus, "status": res.Order.Status, "answer": answer}
	if placedHere {
		out["order"] = v
	}
	writeJSON(w, http.StatusOK, out)
}

// lingerAfterCancel is how long an order cancelled from the page is read
// after the cancel, final or not: steps that come "too late" (a reservation
// made after the cancel, then its release) belong on its row.
const lingerAfterCancel = 60 * time.Second

// cancelAnswered records the answer to a cancel on the order's row (if the
// dashboard placed it) and, with the order as order-svc returned it, applies
// it and follows the order again: its release and void are still to come.
func (t *tracker) cancelAnswered(id, answer string, o *api.Order) (OrderView, bool) {
	t.mu.Lock()
	v, ok := t.byID[id]
	if !ok {
		t.mu.Unlock()
		return OrderView{}, false
	}
	v.Cancel = answer
	if o != nil {
		apply(v, *o)
		v.since = time.Now()
		v.linger = v.since.Add(lingerAfterCancel)
		v.due, v.every = v.since.Add(firstReadAfter), 0 // its compensations come soon
		if !slices.Contains(t.pending, v) {
			t.pending = append(t.pending, v)
		}
	}
	out := clone(v)
	t.mu.Unlock()
	t.publish(out)
	return out, true
}
