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

	"github.com/orderflow/order-svc/internal/httpapi/gen"
	"github.com/orderflow/order-svc/internal/order"
	"github.com/orderflow/order-svc/internal/placing"
	"github.com/orderflow/order-svc/internal/store"
)

// API holds the handlers' dependencies; it implements the server interface
// generated from docs/openapi.yaml, so a spec change the handlers do not
// follow fails to compile.
type API struct {
	Placer placing.Placer
	Store  *store.Store
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
// 201 CONFIRMED, 202 PENDING (accepted, not done), 409 REJECTED, 503 FAILED.
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
	default: // Failed
		detail := o.Reason
		if placing.IsUnavailable(err) {
			c.Response().Header().Set("Retry-After", "5")
		}
		return problem.New(http.StatusServiceUnavailable, "dependency-failed", "A service the order depends on failed", detail).
			With("order_id", o.ID).With("order_status", o.Status).With("order", location)
	}
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

func (a *API) ListOrders(c echo.Context, params gen.ListOrdersParams) error {
	limit := 20 // the spec's default
	if n := params.Limit; n != nil {
		if *n < 1 || *n > MaxListLimit {
			return problem.Validation("limit is out of range", problem.FieldError{Field: "limit", Detail: fmt.Sprintf("%d: use a whole number from 1 to %d", *n, MaxListLimit)})
		}
		limit = *n
	}
	list, err := a.Store.List(c.Request().Context(), limit)
	if err != nil {
		return err
	}
	out := gen.OrderList{Orders: make([]gen.Order, 0, len(list))}
	for _, o := range list {
		out.Orders = append(out.Orders, toDTO(o))
	}
	out.Count = len(out.Orders)
	return c.JSON(http.StatusOK, out)
}
