// Package listen issues invoices for StockReserved events (events mode) and
// announces them on invoicing.v1 through the outbox.
package listen

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/otel/propagation"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/inbox"
	"github.com/orderflow/platform/outbox"

	"github.com/orderflow/invoicing-svc/internal/invoice"
	"github.com/orderflow/invoicing-svc/internal/store"
)

// Notifier wakes the outbox relay after a commit.
type Notifier interface{ Notify() }

// Handler handles inventory.v1.
type Handler struct {
	Store      *store.Store
	Relay      Notifier
	Propagator propagation.TextMapPropagator
	Topic      string // invoicing.v1 with the configured prefix
	Now        func() time.Time
}

// Handle issues the invoice of a reserved order; other events on the topic
// (StockRejected) need nothing from invoicing.
func (h *Handler) Handle(ctx context.Context, env events.Envelope, payload events.Payload) error {
	reserved, ok := payload.(*events.StockReserved)
	if !ok {
		return nil
	}
	wrote := false
	err := h.Store.InTx(ctx, func(tx *sql.Tx) error {
		first, err := inbox.Claim(ctx, tx, env.ID, env.Type)
		if err != nil || !first {
			return err
		}
		now := h.Now()
		inv, _, err := store.Issue(ctx, tx, reserved.OrderID, reserved.CustomerID, reserved.Items, now)
		var noPrice *invoice.NoPriceError
		if errors.As(err, &noPrice) {
			// Retrying cannot help: a human must add the price, then redrive.
			return fmt.Errorf("%w: %v", events.ErrInvalid, err)
		}
		if err != nil {
			return err
		}
		out, err := events.New(inv.OrderID, now, events.InvoiceIssued{OrderID: inv.OrderID, InvoiceID: inv.ID, TotalCents: inv.TotalCents, Currency: inv.Currency})
		if err != nil {
			return err
		}
		wrote = true
		return outbox.Add(ctx, tx, h.Propagator, h.Topic, out)
	})
	if err == nil && wrote {
		h.Relay.Notify()
	}
	return err
}
