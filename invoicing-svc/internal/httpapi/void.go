package httpapi

import (
	"bufio"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/httpserver"
	"github.com/orderflow/platform/problem"

	"github.com/orderflow/invoicing-svc/internal/httpapi/gen"
	"github.com/orderflow/invoicing-svc/internal/invoice"
	"github.com/orderflow/invoicing-svc/internal/store"
)

// VoidInvoice is the sync compensation of a cancelled order: 200 with the
// invoice VOIDED (now or before), 404 unknown, 409 when it was declined
// (nothing to give back) or in events mode.
func (a *API) VoidInvoice(c echo.Context, id gen.InvoiceID) error {
	if err := a.wrongMode("invoices are voided", "OrderCancelled events on orders.v1"); err != nil {
		return err
	}
	if err := uuidParam("id", id); err != nil {
		return err
	}
	req := gen.VoidInvoiceRequest{Reason: gen.VoidInvoiceRequestReason(events.ReasonCustomer)}
	if err := decodeOptionalJSON(c, &req); err != nil {
		return err
	}
	reason := string(req.Reason)
	if reason == "" {
		reason = events.ReasonCustomer
	}
	if !slices.Contains(events.CancelReasons, reason) {
		return problem.Validation("reason is not a cancellation reason", problem.FieldError{Field: "reason", Detail: fmt.Sprintf("%q: use one of %v", reason, events.CancelReasons)})
	}
	ctx := c.Request().Context()
	var out store.Outcome
	err := a.Store.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = a.Ledger.VoidInvoice(ctx, tx, id, reason, a.Now())
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return problem.New(http.StatusNotFound, "not-found", "Invoice not found", fmt.Sprintf("no invoice %s", id))
	}
	if err != nil {
		return err
	}
	inv := out.Invoice
	httpserver.TagOrder(ctx, inv.OrderID)
	if inv.Status == invoice.Declined {
		return problem.New(http.StatusConflict, "invoice-declined", "Invoice declined",
			fmt.Sprintf("invoice %s was declined (%s): nothing was charged, so nothing is voided", inv.ID, inv.Reason)).
			With("order_id", inv.OrderID).With("invoice_id", inv.ID)
	}
	return c.JSON(http.StatusOK, toDTO(inv))
}

// decodeOptionalJSON decodes the body into v when there is one, as
// DecodeJSON does; an empty body leaves v as it is.
func decodeOptionalJSON(c echo.Context, v any) error {
	r := c.Request()
	if r.Body == nil || r.Body == http.NoBody {
		return nil
	}
	br := bufio.NewReader(r.Body)
	if _, err := br.Peek(1); errors.Is(err, io.EOF) {
		return nil
	}
	r.Body = struct {
		io.Reader
		io.Closer
	}{br, r.Body}
	return httpserver.DecodeJSON(c, v)
}
