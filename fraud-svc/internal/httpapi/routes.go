// Package httpapi is fraud-svc's REST API (docs/openapi.yaml): the check
// order-svc calls in sync mode, and the verdict of any order.
package httpapi

import (
	"database/sql"
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/httpserver"
	"github.com/orderflow/platform/problem"
	"github.com/orderflow/platform/reqvalidate"

	"github.com/orderflow/fraud-svc/internal/check"
	"github.com/orderflow/fraud-svc/internal/httpapi/gen"
	"github.com/orderflow/fraud-svc/internal/store"
)

// API holds the handlers' dependencies; it implements the server interface
// generated from docs/openapi.yaml.
type API struct {
	Store *store.Store
	Now   func() time.Time
	Rule  check.Rule
}

// Register adds the routes to e, each behind the request validator.
func (a *API) Register(e *echo.Echo) error {
	v, err := reqvalidate.Load(gen.GetSwagger)
	if err != nil {
		return err
	}
	gen.RegisterHandlers(reqvalidate.Routes(e, v), a)
	return nil
}

var _ gen.ServerInterface = (*API)(nil)

// CheckOrder judges an order once: 201 with a new verdict, 200 with the
// stored one on a repeat. A suspected order is an answer, not an error.
func (a *API) CheckOrder(c echo.Context) error {
	var req gen.CheckRequest
	if err := httpserver.DecodeJSON(c, &req); err != nil {
		return err
	}
	lines := make([]events.Line, 0, len(req.Items))
	for _, l := range req.Items {
		lines = append(lines, events.Line{SKU: l.SKU, Qty: l.Qty})
	}
	if err := events.ValidateLines(lines); err != nil {
		return problem.Validation("the check request is not valid", problem.FieldError{Field: "items", Detail: err.Error()})
	}
	ctx := c.Request().Context()
	httpserver.TagOrder(ctx, req.OrderID)
	var out check.Check
	var created bool
	err := a.Store.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		out, created, err = store.Record(ctx, tx, a.Rule.Judge(req.OrderID, req.CustomerID, req.ReservationID, lines, a.Now()))
		return err
	})
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return c.JSON(status, toDTO(out))
}

// GetCheck returns the order's verdict.
func (a *API) GetCheck(c echo.Context, id gen.OrderID) error {
	out, err := a.Store.Get(c.Request().Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return problem.New(http.StatusNotFound, "not-found", "No such check", "order "+id+" was never checked")
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toDTO(out))
}

func toDTO(c check.Check) gen.FraudCheck {
	return gen.FraudCheck{OrderID: c.OrderID, CustomerID: c.CustomerID, ReservationID: c.ReservationID, Units: c.Units,
		Verdict: gen.FraudCheckVerdict(c.Verdict), Reason: c.Reason, CheckedAt: c.CheckedAt}
}
