package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/orderflow/platform/events"

	"github.com/orderflow/invoicing-svc/internal/invoice"
)

// Ledger applies the saga's messages to an order's invoice inside the
// caller's transaction: it reads what is known of the order, asks
// invoice.Next what the message does there, and does it. The same code
// serves the events (listen) and the REST calls (httpapi). The writer is the
// database's only connection, so a charge's credit check and its invoice are
// one serial step: concurrent charges of one customer cannot overdraw it.
type Ledger struct {
	// DefaultLimitCents is the limit of a customer without its own.
	DefaultLimitCents int64
	// Decline asks the payment provider once per charge (the decline_rate
	// fault); nil never declines.
	Decline func() bool
}

// Order is what a charge needs to know of an order.
type Order struct {
	OrderID    string
	CustomerID string
	Items      []events.Line
}

// Outcome is what a message did to an order.
type Outcome struct {
	// Before is the order's state when the message arrived.
	Before invoice.State
	// Action is what the message did (invoice.Next).
	Action invoice.Action
	// Invoice is the order's invoice afterwards; zero when it has none
	// (nothing known, or a tombstone).
	Invoice invoice.Invoice
	// Credit is the customer's credit just before a charge (Action Charge).
	Credit invoice.Credit
}

// Charge applies a StockReserved (or POST /invoices) to o. A SKU without a
// price is an *invoice.NoPriceError and stores nothing.
func (l Ledger) Charge(ctx context.Context, tx *sql.Tx, o Order, now time.Time) (Outcome, error) {
	out, err := l.next(ctx, tx, o.OrderID, invoice.StockReserved)
	if err != nil || out.Action != invoice.Charge {
		return out, err
	}
	inv, err := invoice.Compute(uuid.NewString(), o.OrderID, o.CustomerID, o.Items, now)
	if err != nil {
		return out, err
	}
	out.Credit, err = CreditOf(ctx, tx, o.CustomerID, l.DefaultLimitCents)
	if err != nil {
		return out, err
	}
	declined := l.Decline != nil && l.Decline()
	inv.Status, inv.Reason = invoice.Decide(inv.TotalCents, out.Credit, declined)
	if err := insert(ctx, tx, inv); err != nil {
		return out, err
	}
	out.Invoice = inv
	return out, nil
}

// Cancel applies an OrderCancelled to an order: voids its issued invoice
// (the amount goes back to the credit), or leaves a tombstone when nothing
// is known of it yet.
func (l Ledger) Cancel(ctx context.Context, tx *sql.Tx, orderID, reason string, now time.Time) (Outcome, error) {
	out, err := l.next(ctx, tx, orderID, invoice.OrderCancelled)
	if err != nil {
		return out, err
	}
	switch out.Action {
	case invoice.Remember:
		if _, err := tx.ExecContext(ctx, `INSERT INTO cancellations(order_id, reason, cancelled_at) VALUES (?, ?, ?)`, orderID, reason, stamp(now)); err != nil {
			return out, fmt.Errorf("remember the cancellation of %s: %w", orderID, err)
		}
	case invoice.Void:
		return l.void(ctx, tx, out, reason, now)
	}
	return out, nil
}

// VoidInvoice is Cancel for the order of invoice id (POST
// /invoices/{id}/void): ErrNotFound for an unknown invoice.
func (l Ledger) VoidInvoice(ctx context.Context, tx *sql.Tx, id, reason string, now time.Time) (Outcome, error) {
	inv, err := get(ctx, tx, id)
	if err != nil {
		return Outcome{}, err
	}
	return l.Cancel(ctx, tx, inv.OrderID, reason, now)
}

func (l Ledger) void(ctx context.Context, tx *sql.Tx, out Outcome, reason string, now time.Time) (Outcome, error) {
	inv := out.Invoice
	if _, err := tx.ExecContext(ctx, `UPDATE invoices SET status = ?, reason = ?, voided_at = ? WHERE id = ? AND status = ?`,
		string(invoice.Voided), reason, stamp(now), inv.ID, string(invoice.Issued)); err != nil {
		return out, fmt.Errorf("void invoice %s: %w", inv.ID, err)
	}
	inv.Status, inv.Reason, inv.VoidedAt = invoice.Voided, reason, now.UTC()
	out.Invoice = inv
	return out, nil
}

// next reads the order's state and what m does there.
func (l Ledger) next(ctx context.Context, tx *sql.Tx, orderID string, m invoice.Message) (Outcome, error) {
	var out Outcome
	list, err := query(ctx, tx, `WHERE order_id = ?`, orderID)
	if err != nil {
		return out, err
	}
	switch {
	case len(list) > 0:
		out.Invoice, out.Before = list[0], invoice.State(list[0].Status)
	default:
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM cancellations WHERE order_id = ?`, orderID).Scan(&one)
		switch {
		case err == nil:
			out.Before = invoice.StateCancelled
		case errors.Is(err, sql.ErrNoRows):
			out.Before = invoice.StateNone
		default:
			return out, fmt.Errorf("read the cancellation of %s: %w", orderID, err)
		}
	}
	out.Action, err = invoice.Next(out.Before, m)
	return out, err
}
