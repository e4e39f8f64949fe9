// Package httpapi is invoicing-svc's REST API (docs/openapi.yaml).
package httpapi

import (
	"database/sql"
	"errors"
	"fmt"
	"net/http"
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

// API holds the handlers' dependencies; it implements the server interface
// generated from docs/openapi.yaml.
type API struct {
	Store *store.Store
	Now   func() time.Time
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

func toDTO(i invoice.Invoice) gen.Invoice {
	d := gen.Invoice{InvoiceID: i.ID, OrderID: i.OrderID, CustomerID: i.CustomerID, TotalCents: i.TotalCents,
		Currency: gen.InvoiceCurrency(i.Currency), IssuedAt: i.IssuedAt, Lines: make([]gen.InvoiceLine, 0, len(i.Lines))}
	for _, l := range i.Lines {
		d.Lines = append(d.Lines, gen.InvoiceLine{SKU: l.SKU, Qty: l.Qty, UnitCents: l.UnitCents, AmountCents: l.AmountCents})
	}
	return d
}

func fromLines(in []gen.Line) []events.Line {
	out := make([]events.Line, 0, len(in))
	for _, l := range in {
		out = append(out, events.Line{SKU: l.SKU, Qty: l.Qty})
	}
	return out
}

// IssueInvoice answers 201 for a new invoice and 200 for a repeat of the same order.
func (a *API) IssueInvoice(c echo.Context) error {
	var req gen.IssueInvoiceRequest
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
	lines := fromLines(req.Items)
	if err := events.ValidateLines(lines); err != nil {
		fields = append(fields, problem.FieldError{Field: "items", Detail: err.Error()})
	}
	if len(fields) > 0 {
		return problem.Validation("the invoice request is not valid", fields...)
	}
	ctx := c.Request().Context()
	httpserver.TagOrder(ctx, req.OrderID)
	var inv invoice.Invoice
	var created bool
	err := a.Store.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		inv, created, err = store.Issue(ctx, tx, req.OrderID, req.CustomerID, lines, a.Now())
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

// ListInvoices answers GET /invoices?order_id= (zero or one invoice), or the newest
// invoices when no order is given.
func (a *API) ListInvoices(c echo.Context, params gen.ListInvoicesParams) error {
	ctx := c.Request().Context()
	var list []invoice.Invoice
	var err error
	if params.OrderID != nil {
		oid := *params.OrderID
		if _, perr := uuid.Parse(oid); perr != nil {
			return problem.Validation("order_id is not a UUID", problem.FieldError{Field: "order_id", Detail: fmt.Sprintf("%q is not a UUID", oid)})
		}
		list, err = a.Store.ByOrder(ctx, oid)
	} else {
		limit := 50 // the spec's default
		if n := params.Limit; n != nil {
			if *n < 1 || *n > 500 {
				return problem.Validation("limit is out of range", problem.FieldError{Field: "limit", Detail: fmt.Sprintf("%d: use a whole number from 1 to 500", *n)})
			}
			limit = *n
		}
		list, err = a.Store.Recent(ctx, limit)
	}
	if err != nil {
		return err
	}
	out := gen.InvoiceList{Invoices: make([]gen.Invoice, 0, len(list))}
	for _, inv := range list {
		out.Invoices = append(out.Invoices, toDTO(inv))
	}
	out.Count = len(out.Invoices)
	return c.JSON(http.StatusOK, out)
}

func (a *API) GetInvoice(c echo.Context, id gen.InvoiceID) error {
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

func (a *API) GetInvoiceTotals(c echo.Context) error {
	n, total, err := a.Store.Totals(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, gen.InvoiceTotals{Count: n, TotalCents: total, Currency: gen.InvoiceTotalsCurrency(invoice.Currency)})
}
