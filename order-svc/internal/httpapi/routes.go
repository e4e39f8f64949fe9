// Package httpapi is order-svc's REST API (docs/openapi.yaml).
package httpapi

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/orderflow/platform/httpserver"
	"github.com/orderflow/platform/problem"
	"github.com/orderflow/platform/reqvalidate"

	"github.com/orderflow/order-svc/internal/cancel"
	"github.com/orderflow/order-svc/internal/httpapi/gen"
	"github.com/orderflow/order-svc/internal/order"
	"github.com/orderflow/order-svc/internal/placing"
	"github.com/orderflow/order-svc/internal/store"
)

// API holds the handlers' dependencies; it implements the server interface
// generated from docs/openapi.yaml, so a spec change the handlers do not
// follow fails to compile.
type API struct {
	Placer    placing.Placer
	Canceller cancel.Canceller
	Store     *store.Store
}

// Register adds the routes to e, each behind the request validator of the
// service's part of docs/openapi.yaml (embedded by the generator).
func (a *API) Register(e *echo.Echo) error {
	v, err := reqvalidate.Load(gen.GetSwagger)
	if err != nil {
		return err
	}
	gen.RegisterHandlers(reqvalidate.Routes(e, v), a)
	return nil
}

var _ gen.ServerInterface = (*API)(nil)

// PlaceOrder answers by the order's status, whichever Placer made it:
// 201 CONFIRMED, 202 PENDING (accepted, not done), 409 REJECTED, 402 FAILED
// by a declined payment, 503 FAILED otherwise, 409 CANCELLED (sync: the
// customer cancelled while it was placed).
func (a *API) PlaceOrder(c echo.Context) error {
	var req gen.PlaceOrder
	if err := httpserver.DecodeJSON(c, &req); err != nil {
		return err
	}
	d := order.Draft{CustomerID: req.CustomerID, Items: fromLines(req.Items)}
	if errs := d.Validate(); len(errs) > 0 {
		return problem.Validation(fmt.Sprintf("the order has %d error(s)", len(errs)), errs...)
	}
	o, err := a.Placer.Place(c.Request().Context(), d)
	// Tagged even when placing failed: a failed order is the one to look for.
	httpserver.TagOrder(c.Request().Context(), o.ID)
	if o.ID == "" || (err != nil && !o.Status.Final()) {
		if err == nil {
			err = errors.New("placer returned no order")
		}
		return fmt.Errorf("place order: %w", err)
	}
	location := "/orders/" + o.ID
	c.Response().Header().Set(echo.HeaderLocation, location)
	switch o.Status {
	case order.Confirmed:
		return c.JSON(http.StatusCreated, toDTO(o))
	case order.Pending, order.Reserved:
		return c.JSON(http.StatusAccepted, toDTO(o))
	case order.Rejected:
		return problem.New(http.StatusConflict, "out-of-stock", "Out of stock", o.Reason).
			With("order_id", o.ID).With("order_status", o.Status).With("order", location)
	case order.Cancelled:
		return problem.New(http.StatusConflict, "order-cancelled", "The order was cancelled while it was placed",
			fmt.Sprintf("order %s was cancelled (%s) before it completed; what was done for it is undone", o.ID, o.Reason)).
			With("order_id", o.ID).With("order_status", o.Status).With("order", location)
	}
	if placing.IsDeclined(err) {
		return problem.New(http.StatusPaymentRequired, "payment-declined", "Payment declined", o.Reason).
			With("order_id", o.ID).With("order_status", o.Status).With("order", location)
	}
	if placing.IsSuspected(err) { // FRAUD_CHECK=on: refused, not a payment matter and not a fault
		return problem.New(http.StatusForbidden, "fraud-suspected", "Fraud suspected", o.Reason).
			With("order_id", o.ID).With("order_status", o.Status).With("order", location)
	}
	// Failed: a dependency failed.
	if placing.IsUnavailable(err) {
		c.Response().Header().Set("Retry-After", "5")
	}
	return problem.New(http.StatusServiceUnavailable, "dependency-failed", "A service the order depends on failed", o.Reason).
		With("order_id", o.ID).With("order_status", o.Status).With("order", location)
}

func (a *API) GetOrder(c echo.Context, id gen.OrderID) error {
	if _, err := uuid.Parse(id); err != nil {
		return problem.Validation("the order id is not a UUID", problem.FieldError{Field: "id", Detail: fmt.Sprintf("%q is not a UUID", id)})
	}
	httpserver.TagOrder(c.Request().Context(), id)
	o, err := a.Store.Get(c.Request().Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return problem.New(http.StatusNotFound, "not-found", "Order not found", fmt.Sprintf("no order %s", id))
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toDTO(o))
}

// MaxListLimit caps GET /orders?limit=.
const MaxListLimit = 500

// ListOrders answers the newest orders, or with after one page of all of
// them in placement order (docs/openapi.yaml).
func (a *API) ListOrders(c echo.Context, params gen.ListOrdersParams) error {
	limit := 20 // the spec's default
	if n := params.Limit; n != nil {
		if *n < 1 || *n > MaxListLimit {
			return problem.Validation("limit is out of range", problem.FieldError{Field: "limit", Detail: fmt.Sprintf("%d: use a whole number from 1 to %d", *n, MaxListLimit)})
		}
		limit = *n
	}
	ctx := c.Request().Context()
	var list []order.Order
	var err error
	out := gen.OrderList{}
	if params.After == nil {
		list, err = a.Store.List(ctx, limit)
	} else {
		var more bool
		list, more, err = a.Store.Page(ctx, *params.After, limit)
		if errors.Is(err, store.ErrUnknownCursor) {
			return problem.New(http.StatusNotFound, "not-found", "No order to page after", fmt.Sprintf("%q is not the id of an order: pass the previous page's next_after, or an empty after for the first page", *params.After))
		}
		if more {
			out.NextAfter = list[len(list)-1].ID
		}
	}
	if err != nil {
		return err
	}
	out.Orders = make([]gen.Order, 0, len(list))
	for _, o := range list {
		out.Orders = append(out.Orders, toDTO(o))
	}
	out.Count = len(out.Orders)
	return c.JSON(http.StatusOK, out)
}
