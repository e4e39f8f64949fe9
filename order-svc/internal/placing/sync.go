package placing

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"go.opentelemetry.io/otel/trace"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/topology"

	"github.com/orderflow/order-svc/internal/order"
	"github.com/orderflow/order-svc/internal/store"
)

// StockReserver is inventory-svc as sync mode sees it.
type StockReserver interface {
	Reserve(ctx context.Context, orderID string, items []order.Line) (reservationID string, err error)
	Release(ctx context.Context, reservationID string) error
	// Recheck learns what a Reserve whose answer was lost did, by asking
	// again (Reserve is idempotent per order): the id of the order's
	// reservation, "" when nothing is held (out of stock), or an error
	// when inventory cannot tell.
	Recheck(ctx context.Context, orderID string, items []order.Line) (reservationID string, err error)
}

// InvoiceIssuer is invoicing-svc as sync mode sees it.
type InvoiceIssuer interface {
	// Issue charges the customer and issues the invoice; a *DeclinedError
	// when the payment is declined.
	Issue(ctx context.Context, orderID, customerID string, items []order.Line) (invoiceID string, totalCents int64, err error)
	// Void voids an issued invoice and gives the credit back (idempotent).
	Void(ctx context.Context, invoiceID string) error
	// Recheck learns what an Issue whose answer was lost did, by asking
	// again (Issue is idempotent per order): the id of the order's ISSUED
	// invoice, "" when nothing is charged (declined, voided), or an error
	// when invoicing cannot tell.
	Recheck(ctx context.Context, orderID, customerID string, items []order.Line) (chargedInvoiceID string, err error)
}

// Sync places an order by calling inventory then invoicing while the client
// waits: the client's latency is the sum of theirs, and their failure is its.
type Sync struct {
	Store     *store.Store
	Inventory StockReserver
	Invoicing InvoiceIssuer
	// Fraud, when set (FRAUD_CHECK=on), checks the reserved order before
	// the invoice: a third call in the chain.
	Fraud  FraudChecker
	Logger *slog.Logger
	// AfterCommit, when set, is called right after the PENDING order is
	// committed and before inventory-svc is called
	// (faults.Injector.AfterCommit: the crash_after_commit fault).
	AfterCommit func(ctx context.Context, what string)
	Now         func() time.Time
}

// Place runs the whole flow. Each step is saved as it happens, so a GET during
// the call shows the truth (PENDING, then RESERVED). Each step is applied to
// the order as stored: when POST /orders/{id}/cancel cancelled it meanwhile,
// the step finds it CANCELLED, and Place undoes what it did and answers
// CANCELLED.
func (s *Sync) Place(ctx context.Context, d order.Draft) (order.Order, error) {
	o := order.New(uuid.NewString(), d, trace.SpanContextFromContext(ctx).TraceID().String(), s.Now())
	if err := s.Store.InTx(ctx, func(tx *sql.Tx) error { return store.Insert(ctx, tx, o) }); err != nil {
		return o, err
	}
	if s.AfterCommit != nil {
		s.AfterCommit(ctx, "order "+o.ID+" committed PENDING; "+topology.InventorySvc+" not called yet")
	}

	resID, err := s.Inventory.Reserve(ctx, o.ID, o.Items)
	var oos *OutOfStockError
	switch {
	case errors.As(err, &oos):
		return s.finish(ctx, o, func(o *order.Order) error { return o.MarkRejected(oos.Detail, s.Now()) }, nil)
	case err != nil:
		return s.undoLostReservation(ctx, o, err)
	}
	if o, err = s.save(ctx, o, func(o *order.Order) error { return o.MarkReserved(resID, s.Now()) }); err != nil {
		return o, err
	}
	if o.Status == order.Cancelled {
		return s.compensate(ctx, o), nil
	}
	if o, done, err := s.checkFraud(ctx, o, resID); done {
		return o, err
	}

	invID, total, err := s.Invoicing.Issue(ctx, o.ID, o.CustomerID, o.Items)
	if err != nil {
		return s.undoReservation(ctx, o, resID, err)
	}
	if o, err = s.finish(ctx, o, func(o *order.Order) error { return o.MarkInvoiced(invID, total, s.Now()) }, nil); err != nil {
		return o, err
	}
	if o.Status == order.Cancelled { // cancelled while invoicing: the invoice is voided
		return s.compensate(ctx, o), nil
	}
	return o, nil
}

// undoReservation is the compensation when invoicing did not issue the
// invoice: give the stock back and end the order FAILED — "payment declined:
// …" for a decline — unless it was cancelled meanwhile.
func (s *Sync) undoReservation(ctx context.Context, o order.Order, resID string, cause error) (order.Order, error) {
	// Use a fresh context: the request's may be the one that timed out, and
	// the stock must not stay held.
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), compensationTimeout)
	defer cancel()
	rerr := s.Inventory.Release(cctx, resID)
	if rerr != nil {
		s.Logger.ErrorContext(ctx, "compensation failed: reservation stays held", "order_id", o.ID, "reservation_id", resID, "err", rerr)
	}
	voided, lost := false, ""
	if !IsDeclined(cause) && !IsUnsent(cause) {
		voided, lost = s.voidLostInvoice(cctx, o)
	}
	var declined *DeclinedError
	if errors.As(cause, &declined) && rerr == nil {
		return s.finish(ctx, o, func(o *order.Order) error {
			if err := o.MarkDeclined(s.Now()); err != nil {
				return err
			}
			return o.MarkReleased(events.ReasonPaymentDeclined, declined.Detail, s.Now())
		}, cause)
	}
	reason := cause.Error()
	if rerr != nil {
		reason += "; releasing reservation " + resID + " also failed: " + rerr.Error()
	} else {
		reason += "; reservation " + resID + " released"
	}
	reason += lost
	return s.finish(ctx, o, func(o *order.Order) error {
		if rerr == nil {
			if err := o.MarkReleased(o.Reason, "", s.Now()); err != nil {
				return err
			}
		}
		if voided {
			if err := o.MarkVoided(s.Now()); err != nil {
				return err
			}
		}
		return s.failUnlessCancelled(reason)(o)
	}, cause)
}

// failUnlessCancelled ends the order FAILED, or leaves a cancelled order as
// it is: its cancellation is the outcome the customer asked for.
func (s *Sync) failUnlessCancelled(reason string) func(o *order.Order) error {
	return func(o *order.Order) error {
		if o.Status == order.Cancelled {
			return nil
		}
		return o.MarkFailed(reason, s.Now())
	}
}

// finish saves the final state and returns cause (the error the client hears of).
func (s *Sync) finish(ctx context.Context, o order.Order, change func(*order.Order) error, cause error) (order.Order, error) {
	o, err := s.save(ctx, o, change)
	if err != nil {
		return o, err
	}
	return o, cause
}

// save applies change to the order as stored, in one transaction, and
// returns it.
func (s *Sync) save(ctx context.Context, o order.Order, change func(*order.Order) error) (order.Order, error) {
	// Writes outlive the request: a client that hung up must not leave the
	// order half-recorded.
	// On a failed write the caller gets the order as stored, never a status
	// that exists only in memory.
	wctx := context.WithoutCancel(ctx)
	var next order.Order
	err := s.Store.InTx(wctx, func(tx *sql.Tx) error {
		var err error
		if next, err = store.GetTx(wctx, tx, o.ID); err != nil {
			return err
		}
		if err := change(&next); err != nil {
			return fmt.Errorf("order %s: %w", o.ID, err)
		}
		return store.Update(wctx, tx, next)
	})
	if err != nil {
		return o, err
	}
	return next, nil
}
