// Package httpapi is invoicing-svc's REST API (docs/openapi.yaml).
package httpapi

import (
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/httpserver"
	"github.com/orderflow/platform/problem"
	"github.com/orderflow/platform/reqvalidate"

	"github.com/orderflow/invoicing-svc/internal/httpapi/gen"
	"github.com/orderflow/invoicing-svc/internal/invoice"
	"github.com/orderflow/invoicing-svc/internal/store"
)

// API holds the handlers' dependencies.
type API struct {
	Store *store.Store
	Now   func() time.Time
}

// Register adds the routes to e, each behind the request validator of the
// service's part of docs/openapi.yaml (embedded by the generator).
func (a *API) Register(e *echo.Echo) error {
	v, err := validator()
	if err != nil {
		return err
	}
	e.POST("/invoices", a.issue, v)
	e.GET("/invoices", a.list, v)
	e.GET("/invoices/totals", a.totals, v)
	e.GET("/invoices/:id", a.get, v)
	return nil
}

type invoiceDTO struct {
	ID         string         `json:"invoice_id"`
	OrderID    string         `json:"order_id"`
	CustomerID string         `json:"customer_id"`
	Lines      []invoice.Line `json:"lines"`
	TotalCents int64          `json:"total_cents"`
	Currency   string         `json:"currency"`
	IssuedAt   time.Time      `json:"issued_at"`
}

func toDTO(i invoice.Invoice) invoiceDTO {
	return invoiceDTO{ID: i.ID, OrderID: i.OrderID, CustomerID: i.CustomerID, Lines: i.Lines, TotalCents: i.TotalCents, Currency: i.Currency, IssuedAt: i.IssuedAt}
}

type issueRequest struct {
	OrderID    string        `json:"order_id"`
	CustomerID string        `json:"customer_id"`
	Items      []events.Line `json:"items"`
}

// issue answers 201 for a new invoice and 200 for a repeat of the same order.
func (a *API) issue(c echo.Context) error {
	var req issueRequest
	if err := httpserver.DecodeJSON(c, &req); err != nil {
		return err
	}
	var fields []problem.FieldError
	if _, err := uuid.Parse(req.OrderID); err != nil {
		fields = append(fields, problem.FieldError{Field: "order_id", Detail: "must be a UUID"})
	}
	if strings.TrimSpace(req.CustomerID) == "" {
		fields = append(fields, problem.FieldError{Field: "customer_id", Detail: "is required"})
	}
	if err := events.ValidateLines(req.Items); err != nil {
		fields = append(fields, problem.FieldError{Field: "items", Detail: err.Error()})
	}
	if len(fields) > 0 {
		return problem.Validation("the invoice request is not valid", fields...)
	}
	ctx := c.Request().Context()
	var inv invoice.Invoice
	var created bool
	err := a.Store.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		inv, created, err = store.Issue(ctx, tx, req.OrderID, req.CustomerID, req.Items, a.Now())
		return err
	})
	var noPrice *invoice.NoPriceError
	if errors.As(err, &noPrice) {
		return problem.New(http.StatusUnprocessableEntity, "no-price", "No price for an item", noPrice.Error()).With("sku", noPrice.SKU)
	}
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/invoices/"+inv.ID)
	status := http.StatusCreated
	if !created {
		status = http.StatusOK
	}
	return c.JSON(status, toDTO(inv))
}

// list answers GET /invoices?order_id= (zero or one invoice), or the newest
// invoices when no order is given.
func (a *API) list(c echo.Context) error {
	ctx := c.Request().Context()
	var list []invoice.Invoice
	var err error
	if oid := c.QueryParam("order_id"); oid != "" {
		if _, perr := uuid.Parse(oid); perr != nil {
			return problem.Validation("order_id is not a UUID", problem.FieldError{Field: "order_id", Detail: fmt.Sprintf("%q is not a UUID", oid)})
		}
		list, err = a.Store.ByOrder(ctx, oid)
	} else {
		limit := 50
		if s := c.QueryParam("limit"); s != "" {
			n, perr := strconv.Atoi(s)
			if perr != nil || n < 1 || n > 500 {
				return problem.Validation("limit is out of range", problem.FieldError{Field: "limit", Detail: fmt.Sprintf("%q: use a whole number from 1 to 500", s)})
			}
			limit = n
		}
		list, err = a.Store.Recent(ctx, limit)
	}
	if err != nil {
		return err
	}
	out := make([]invoiceDTO, 0, len(list))
	for _, inv := range list {
		out = append(out, toDTO(inv))
	}
	return c.JSON(http.StatusOK, map[string]any{"invoices": out, "count": len(out)})
}

func (a *API) get(c echo.Context) error {
	id := c.Param("id")
	if _, err := uuid.Parse(id); err != nil {
		return problem.Validation("the invoice id is not a UUID", problem.FieldError{Field: "id", Detail: fmt.Sprintf("%q is not a UUID", id)})
	}
	inv, err := a.Store.Get(c.Request().Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return problem.New(http.StatusNotFound, "not-found", "Invoice not found", fmt.Sprintf("no invoice %s", id))
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toDTO(inv))
}

func (a *API) totals(c echo.Context) error {
	n, total, err := a.Store.Totals(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"count": n, "total_cents": total, "currency": invoice.Currency})
}

// validator checks requests against the embedded spec.
func validator() (echo.MiddlewareFunc, error) {
	spec, err := gen.GetSwagger()
	if err != nil {
		return nil, fmt.Errorf("load the embedded OpenAPI spec: %w", err)
	}
	v, err := reqvalidate.New(spec)
	if err != nil {
		return nil, err
	}
	return v.Middleware, nil
}
