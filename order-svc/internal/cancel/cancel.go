// Package cancel gives orders up: the customer's POST /orders/{id}/cancel in
// either mode, and the deadline sweeper of events mode. In events mode a
// cancellation is the order's CANCELLED row and its OrderCancelled outbox
// row in one transaction; inventory-svc and invoicing-svc compensate on it.
// In sync mode the cancellation compensates by REST (see Sync).
package cancel

import (
	"context"
	"errors"

	"github.com/orderflow/order-svc/internal/order"
)

// Canceller is what the HTTP handler needs, whichever the mode.
type Canceller interface {
	// Cancel cancels order id for the customer. It returns the order as it
	// stands after the cancellation, and whether its compensations are still
	// to come (events mode, cancelled by this call: 202; false when they are
	// done — sync — or when it was cancelled before: 200). ErrNotFound for an
	// unknown order, order.ErrFinal (with the order) for one that ended
	// otherwise.
	Cancel(ctx context.Context, id string) (o order.Order, pending bool, err error)
}

// ErrNotFound is returned for an order that does not exist.
var ErrNotFound = errors.New("no such order")
