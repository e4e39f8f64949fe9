package httpapi

import (
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/httpserver"
	"github.com/orderflow/platform/problem"

	"github.com/orderflow/invoicing-svc/internal/httpapi/gen"
	"github.com/orderflow/invoicing-svc/internal/invoice"
	"github.com/orderflow/invoicing-svc/internal/store"
)

// IssueInvoice charges the customer: 201 for a new invoice, 200 for a repeat
// of the same order, 402 when the charge is declined (again on a repeat),
// 409 when the order's invoice was voided or the order cancelled before.
func (a *API) IssueInvoice(c echo.Context) error {
	if err := a.wrongMode("invoices are issued", "StockReserved events on inventory.v1"); err != nil {
		return err
	}
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
	var out store.Outcome
	err := a.Store.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = a.Ledger.Charge(ctx, tx, store.Order{OrderID: req.OrderID, CustomerID: req.CustomerID, Items: lines}, a.Now())
		return err
	})
	var noPrice *invoice.NoPriceError
	if errors.As(err, &noPrice) {
		return problem.New(http.StatusUnprocessableEntity, "no-price", "No price for an item", noPrice.Error()).With("sku", noPrice.SKU)
	}
	if err != nil {
		return err
	}
	inv := out.Invoice
	switch {
	case out.Before == invoice.StateCancelled:
		return problem.New(http.StatusConflict, "order-cancelled", "Order cancelled",
			fmt.Sprintf("order %s was cancelled before it was charged; it is not charged now", req.OrderID)).With("order_id", req.OrderID)
	case inv.Status == invoice.Voided:
		return problem.New(http.StatusConflict, "invoice-voided", "Invoice voided",
			fmt.Sprintf("the invoice %s of order %s was voided (%s); the order is not charged again", inv.ID, inv.OrderID, inv.Reason)).
			With("order_id", inv.OrderID).With("invoice_id", inv.ID)
	case inv.Status == invoice.Declined:
		return a.declined(c, out)
	}
	c.Response().Header().Set(echo.HeaderLocation, "/invoices/"+inv.ID)
	status := http.StatusOK
	if out.Action == invoice.Charge {
		status = http.StatusCreated
	}
	return c.JSON(status, toDTO(inv))
}

// declined is the 402 of a declined charge: the stored reason, and the
// customer's remaining credit (as the charge saw it, or now on a repeat).
func (a *API) declined(c echo.Context, out store.Outcome) error {
	inv := out.Invoice
	credit := out.Credit
	if out.Action != invoice.Charge {
		var err error
		if credit, err = a.Store.Credit(c.Request().Context(), inv.CustomerID, a.Ledger.DefaultLimitCents); err != nil {
			return err
		}
	}
	return problem.New(http.StatusPaymentRequired, "payment-declined", "Payment declined", inv.Reason).
		With("order_id", inv.OrderID).With("invoice_id", inv.ID).With("customer_id", inv.CustomerID).
		With("amount_cents", inv.TotalCents).With("remaining_cents", credit.RemainingCents()).With("currency", inv.Currency)
}

// ListInvoices answers GET /invoices: a page of the ledger, newest first,
// of one order and/or one status.
func (a *API) ListInvoices(c echo.Context, params gen.ListInvoicesParams) error {
	f := store.Filter{Limit: 50} // the spec's default
	if p := params.OrderID; p != nil {
		if err := uuidParam("order_id", *p); err != nil {
			return err
		}
		f.OrderID = *p
	}
	if p := params.After; p != nil {
		if err := uuidParam("after", *p); err != nil {
			return err
		}
		f.After = *p
	}
	if p := params.Status; p != nil {
		f.Status = invoice.Status(*p)
		if !slices.Contains(invoice.Statuses, f.Status) {
			return problem.Validation("status is not an invoice status", problem.FieldError{Field: "status", Detail: fmt.Sprintf("%q: use ISSUED, VOIDED or DECLINED", *p)})
		}
	}
	if n := params.Limit; n != nil {
		if *n < 1 || *n > 500 {
			return problem.Validation("limit is out of range", problem.FieldError{Field: "limit", Detail: fmt.Sprintf("%d: use a whole number from 1 to 500", *n)})
		}
		f.Limit = *n
	}
	list, next, err := a.Store.List(c.Request().Context(), f)
	if errors.Is(err, store.ErrUnknownCursor) {
		// Not a 400: the request is well formed, the invoice it names is not there.
		return problem.New(http.StatusNotFound, "not-found", "No such page", fmt.Sprintf("no invoice %s to page after: pass the next_after of the previous page", f.After))
	}
	if err != nil {
		return err
	}
	out := gen.InvoiceList{Invoices: make([]gen.Invoice, 0, len(list)), NextAfter: next}
	for _, inv := range list {
		out.Invoices = append(out.Invoices, toDTO(inv))
	}
	out.Count = len(out.Invoices)
	return c.JSON(http.StatusOK, out)
}

func (a *API) GetInvoice(c echo.Context, id gen.InvoiceID) error {
	if err := uuidParam("id", id); err != nil {
		return err
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
