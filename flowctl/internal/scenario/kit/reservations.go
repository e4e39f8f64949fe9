package kit

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/orderflow/flowctl/internal/api"
	oapi "github.com/orderflow/flowctl/internal/api/client"
)

// Rows are inventory-svc's reservation rows, by order id.
type Rows map[string][]api.Reservation

// Settled says whether an order's rows are done changing for a saga
// scenario: inventory-svc has handled its OrderPlaced (a row exists) and no
// row holds stock any more. An order that ends CONFIRMED keeps its hold:
// ask only of orders that ended otherwise.
func Settled(rows []api.Reservation) bool {
	return len(rows) > 0 && !slices.ContainsFunc(rows, Holding)
}

// HoldsNothing says whether none of an order's rows holds stock (none at
// all, too: sync records no row for a rejection).
func HoldsNothing(rows []api.Reservation) bool { return !slices.ContainsFunc(rows, Holding) }

// Holding says whether a row still holds stock (the design's HELD).
func Holding(r api.Reservation) bool { return r.Status == oapi.ReservationStatusRESERVED }

// HeldFor is how long a released row held its stock, by inventory-svc's
// own clock (created_at to released_at); false for a row never released.
func HeldFor(r api.Reservation) (time.Duration, bool) {
	if r.Status != oapi.ReservationStatusRELEASED || r.ReleasedAt.IsZero() {
		return 0, false
	}
	return r.ReleasedAt.Sub(r.CreatedAt), true
}

// ReservationsOf reads the reservation rows of ids, again every poll for
// the orders whose rows done does not accept yet (nil: read once), until
// every order's are accepted or Settle passes. It returns the rows last
// read and how many orders done still did not accept.
func (e *Env) ReservationsOf(ctx context.Context, t Target, ids []string, done func([]api.Reservation) bool) (Rows, int, error) {
	const poll = 200 * time.Millisecond
	rows := Rows{}
	deadline := time.Now().Add(e.Size.Settle)
	pending := slices.Clone(ids)
	for {
		var still []string
		for _, id := range pending {
			rs, err := t.Inventory.ReservationsOf(ctx, id)
			if err != nil {
				return rows, len(pending), fmt.Errorf("reservations of order %s: %w", Short(id), err)
			}
			rows[id] = rs
			if done != nil && !done(rs) {
				still = append(still, id)
			}
		}
		e.Advance("reservations settled", len(ids)-len(still), len(ids))
		if len(still) == 0 || time.Now().Add(poll).After(deadline) {
			return rows, len(still), nil
		}
		pending = still
		select {
		case <-ctx.Done():
			return rows, len(still), ctx.Err()
		case <-time.After(poll):
		}
	}
}
