// Package placing is the one seam between the two modes. A Placer takes a
// valid draft and returns the order as it stands when the client gets its
// answer: final in sync mode, PENDING in events mode. The HTTP handler maps the
// status to a response and never asks which mode it runs in.
package placing

import (
	"context"
	"errors"

	"github.com/orderflow/order-svc/internal/order"
)

// Placer places an order.
type Placer interface {
	Place(ctx context.Context, d order.Draft) (order.Order, error)
}

// OutOfStockError: inventory refused the reservation.
type OutOfStockError struct {
	SKU    string
	Detail string
}

func (e *OutOfStockError) Error() string { return "out of stock: " + e.Detail }

// UnavailableError: a downstream service could not be reached, timed out, or failed.
type UnavailableError struct {
	Service string
	Err     error
	// Unsent: the service did nothing — it was not reached, or answered 503
	// (full, or failing on purpose) before handling the request. Otherwise
	// (a timeout, a reset connection, another 5xx) the answer may have been
	// lost after the work was done, and the caller must find out.
	Unsent bool
}

func (e *UnavailableError) Error() string { return e.Service + " unavailable: " + e.Err.Error() }
func (e *UnavailableError) Unwrap() error { return e.Err }

// IsUnsent reports whether err is an UnavailableError for a request the
// service did not act on.
func IsUnsent(err error) bool {
	var u *UnavailableError
	return errors.As(err, &u) && u.Unsent
}

// IsUnavailable reports whether err is an UnavailableError.
func IsUnavailable(err error) bool {
	var u *UnavailableError
	return errors.As(err, &u)
}

// DeclinedError: invoicing-svc declined the payment (402 payment-declined).
type DeclinedError struct {
	Detail string // invoicing's problem detail: the amount and the remaining credit
}

func (e *DeclinedError) Error() string { return "payment declined: " + e.Detail }

// IsDeclined reports whether err is a DeclinedError.
func IsDeclined(err error) bool {
	var d *DeclinedError
	return errors.As(err, &d)
}
