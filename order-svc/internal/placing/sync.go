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

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/order-svc/internal/order"
	"github.com/orderflow/order-svc/internal/store"
)

// StockReserver is inventory-svc as sync mode sees it.
type StockReserver interface {
	Reserve(ctx context.Context, orderID string, items []order.Line) (reservationID string, err error)
	Release(ctx context.Context, reservationID string) error
}

// InvoiceIssuer is invoicing-svc as sync mode sees it.
type InvoiceIssuer interface {
	Issue(ctx context.Context, orderID, customerID string, items []order.Line) (invoiceID string, totalCents int64, err error)
}

// Sync places an order by calling inventory then invoicing while the client
// waits: the client's latency is the sum of theirs, and their failure is its.
type Sync struct {
	Store     *store.Store
	Inventory StockReserver
	Invoicing InvoiceIssuer
	Logger    *slog.Logger
	// AfterCommit, when set, is called right after the PENDING order is
	// committed and before inventory-svc is called
	// (faults.Injector.AfterCommit: the crash_after_commit fault).
	AfterCommit func(ctx context.Context, what string)
	Now         func() time.Time
}

// Place runs the whole flow. Each step is saved as it happens, so a GET during
// the call shows the truth (PENDING, then RESERVED).
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
		return s.finish(ctx, o, func(o *order.Order) error { return o.MarkFailed(err.Error(), s.Now()) }, err)
	}
	if o, err = s.save(ctx, o, func(o *order.Order) error { return o.MarkReserved(resID, s.Now()) }); err != nil {
		return o, err
	}

	invID, total, err := s.Invoicing.Issue(ctx, o.ID, o.CustomerID, o.Items)
	if err != nil {
		// Compensation: give the stock back. Use a fresh context: the request's
		// may be the one that timed out, and the stock must not stay held.
		reason := err.Error()
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if rerr := s.Inventory.Release(cctx, resID); rerr != nil {
			s.Logger.ErrorContext(ctx, "compensation failed: reservation stays held", "order_id", o.ID, "reservation_id", resID, "err", rerr)
			reason += "; releasing reservation " + resID + " also failed: " + rerr.Error()
		} else {
			reason += "; reservation " + resID + " released"
		}
		return s.finish(ctx, o, func(o *order.Order) error { return o.MarkFailed(reason, s.Now()) }, err)
	}
	return s.finish(ctx, o, func(o *order.Order) error { return o.MarkInvoiced(invID, total, s.Now()) }, nil)
}

// finish saves the final state and returns cause (the error the client hears of).
func (s *Sync) finish(ctx context.Context, o order.Order, change func(*order.Order) error, cause error) (order.Order, error) {
	o, err := s.save(ctx, o, change)
	if err != nil {
		return o, err
	}
	return o, cause
}

func (s *Sync) save(ctx context.Context, o order.Order, change func(*order.Order) error) (order.Order, error) {
	// Writes outlive the request: a client that hung up must not leave the
	// order half-recorded.
	// On a failed write the caller gets the order as stored, never a status
	// that exists only in memory.
	wctx := context.WithoutCancel(ctx)
	next := o
	if err := change(&next); err != nil {
		return o, fmt.Errorf("order %s: %w", o.ID, err)
	}
	if err := s.Store.InTx(wctx, func(tx *sql.Tx) error { return store.Update(wctx, tx, next) }); err != nil {
		return o, err
	}
	return next, nil
}
