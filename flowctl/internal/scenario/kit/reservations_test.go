package kit

import (
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/api"
	oapi "github.com/orderflow/flowctl/internal/api/client"
)

// TestReservationRows: an order's rows are settled once a row exists and
// none holds stock; a hold is measured only for a released row.
func TestReservationRows(t *testing.T) {
	t0 := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	held := api.Reservation{Status: oapi.ReservationStatusRESERVED, CreatedAt: t0}
	released := api.Reservation{Status: oapi.ReservationStatusRELEASED, CreatedAt: t0, ReleasedAt: t0.Add(40 * time.Millisecond)}
	rejected := api.Reservation{Status: oapi.ReservationStatusREJECTED, CreatedAt: t0}
	for _, c := range []struct {
		name            string
		rows            []api.Reservation
		settled, nothin bool
	}{
		{"no row yet", nil, false, true},
		{"held", []api.Reservation{held}, false, false},
		{"released", []api.Reservation{released}, true, true},
		{"rejected", []api.Reservation{rejected}, true, true},
	} {
		if got := Settled(c.rows); got != c.settled {
			t.Errorf("%s: settled = %v, want %v", c.name, got, c.settled)
		}
		if got := HoldsNothing(c.rows); got != c.nothin {
			t.Errorf("%s: holds nothing = %v, want %v", c.name, got, c.nothin)
		}
	}
	if d, ok := HeldFor(released); !ok || d != 40*time.Millisecond {
		t.Errorf("released row held for %v, %v; want 40ms", d, ok)
	}
	for _, r := range []api.Reservation{held, rejected} {
		if _, ok := HeldFor(r); ok {
			t.Errorf("a %s row has a hold time", r.Status)
		}
	}
}
