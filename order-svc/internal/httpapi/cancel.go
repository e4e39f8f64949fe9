package httpapi

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/orderflow/platform/httpserver"
	"github.com/orderflow/platform/problem"

	"github.com/orderflow/order-svc/internal/cancel"
	"github.com/orderflow/order-svc/internal/httpapi/gen"
	"github.com/orderflow/order-svc/internal/order"
)

// CancelOrder is the customer's cancellation: 202 when it cancelled the
// order and the compensations follow over Kafka (events), 200 when the order
// was already cancelled or (sync) is cancelled with what was done undone,
// 409 when the order ended otherwise, 404 when there is none.
func (a *API) CancelOrder(c echo.Context, id gen.OrderID) error {
	if _, err := uuid.Parse(id); err != nil {
		return problem.Validation("the order id is not a UUID", problem.FieldError{Field: "id", Detail: fmt.Sprintf("%q is not a UUID", id)})
	}
	ctx := c.Request().Context()
	httpserver.TagOrder(ctx, id)
	o, pending, err := a.Canceller.Cancel(ctx, id)
	switch {
	case errors.Is(err, cancel.ErrNotFound):
		return problem.New(http.StatusNotFound, "not-found", "Order not found", fmt.Sprintf("no order %s", id))
	case errors.Is(err, order.ErrFinal):
		return problem.New(http.StatusConflict, "order-final", "Too late to cancel",
			fmt.Sprintf("order %s is %s: only an order that is not final can be cancelled", id, o.Status)).
			With("order_id", id).With("order_status", o.Status).With("order", "/orders/"+id)
	case err != nil:
		return fmt.Errorf("cancel order %s: %w", id, err)
	}
	if o.Status != order.Cancelled {
		return fmt.Errorf("cancel order %s: the canceller answered %s", id, o.Status)
	}
	if pending {
		return c.JSON(http.StatusAccepted, toDTO(o))
	}
	return c.JSON(http.StatusOK, toDTO(o))
}
