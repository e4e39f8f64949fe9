// Package listen issues invoices for StockReserved events (events mode) and
// announces them on invoicing.v1. platform/consume claims the event id,
// stores the announcement in the outbox in the same transaction and wakes the
// relay.
package listen

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/orderflow/platform/consume"
	"github.com/orderflow/platform/events"

	"github.com/orderflow/invoicing-svc/internal/invoice"
	"github.com/orderflow/invoicing-svc/internal/store"
)

// Handler handles inventory.v1.
type Handler struct {
	Now func() time.Time
}

// Routes are the events invoicing-svc reacts to; the others on the topic
// (StockRejected, stock movements) need nothing from invoicing.
func (h *Handler) Routes() consume.Routes {
	return consume.Routes{events.TypeStockReserved: h.issue}
}

// issue issues the invoice of a reserved order and announces it.
func (h *Handler) issue(ctx context.Context, tx *sql.Tx, _ events.Envelope, payload events.Payload) ([]events.Envelope, error) {
	reserved, ok := payload.(*events.StockReserved)
	if !ok {
		return nil, nil
	}
	now := h.Now()
	inv, _, err := store.Issue(ctx, tx, reserved.OrderID, reserved.CustomerID, reserved.Items, now)
	var noPrice *invoice.NoPriceError
	if errors.As(err, &noPrice) {
		// Retrying cannot help: a human must add the price, then redrive.
		return nil, fmt.Errorf("%w: %v", events.ErrInvalid, err)
	}
	if err != nil {
		return nil, err
	}
	out, err := events.New(inv.OrderID, now, events.InvoiceIssued{OrderID: inv.OrderID, InvoiceID: inv.ID, TotalCents: inv.TotalCents, Currency: inv.Currency})
	if err != nil {
		return nil, err
	}
	return []events.Envelope{out}, nil
}
