package api

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"

	oapi "github.com/orderflow/flowctl/internal/api/client"
)

// Cancellation is what POST /orders/{id}/cancel answered.
type Cancellation struct {
	// HTTPStatus is 202 (events: cancelled, the compensations follow over
	// Kafka), 200 (already cancelled, or sync: cancelled and compensated) or
	// 409 (the order ended otherwise).
	HTTPStatus int
	// Order is the whole order on 200/202; on 409 only ID and Status, taken
	// from the problem.
	Order Order
}

// Cancel asks order-svc to cancel the order. A 409 (too late: the order is
// final) returns both the Cancellation, with the order's status, and the
// *ProblemError whose detail says why.
func (o *Orders) Cancel(ctx context.Context, id string) (Cancellation, error) {
	res, err := o.c.api.CancelOrderWithResponse(ctx, id)
	path := "/orders/" + url.PathEscape(id) + "/cancel"
	err = checked(http.MethodPost, path, err, func() (*http.Response, []byte) { return res.HTTPResponse, res.Body })
	var c Cancellation
	if res != nil {
		c.HTTPStatus = res.StatusCode()
		switch {
		case res.JSON200 != nil:
			c.Order = *res.JSON200
		case res.JSON202 != nil:
			c.Order = *res.JSON202
		}
	}
	if pe, ok := errors.AsType[*ProblemError](err); ok && pe.Status == http.StatusConflict {
		c.Order = Order{ID: id, Status: OrderStatus(pe.Str("order_status"))}
	}
	return c, err
}

// AwaitedCompensations are the steps still to come for what a FAILED or
// CANCELLED order holds: `released` while its timeline shows a reservation
// and no release, `voided` while it shows an invoice and no void. In events
// mode they follow the final status over Kafka; none is awaited for an order
// that ended otherwise. A reservation the timeline does not show yet (a
// consumer behind) is not awaited: nothing says it will come.
func AwaitedCompensations(o Order) []string {
	if o.Status != oapi.OrderStatusFAILED && o.Status != oapi.OrderStatusCANCELLED {
		return nil
	}
	has := func(step StepName) bool {
		return slices.ContainsFunc(o.Timeline, func(s Step) bool { return s.Step == step })
	}
	var out []string
	if has(oapi.Reserved) && !has(oapi.Released) {
		out = append(out, string(oapi.Released))
	}
	if has(oapi.Invoiced) && !has(oapi.Voided) {
		out = append(out, string(oapi.Voided))
	}
	return out
}
