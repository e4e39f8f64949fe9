package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/orderflow/inventory-svc/internal/httpapi/gen"
	"github.com/orderflow/inventory-svc/internal/store"
)

// defaultReservationsPage is the page size of GET /reservations without limit.
const defaultReservationsPage = 100

// ListReservations pages through the reservations by id, for the ledger
// check (the request validator has checked the parameters).
func (a *API) ListReservations(c echo.Context, params gen.ListReservationsParams) error {
	f := store.ReservationFilter{Limit: defaultReservationsPage}
	if params.OrderID != nil {
		f.OrderID = *params.OrderID
	}
	if params.Status != nil {
		f.Status = string(*params.Status)
	}
	if params.After != nil {
		f.After = *params.After
	}
	if params.Limit != nil {
		f.Limit = *params.Limit
	}
	rs, err := a.Store.Reservations(c.Request().Context(), f)
	if err != nil {
		return err
	}
	out := gen.ReservationList{Reservations: make([]gen.Reservation, 0, len(rs)), Count: len(rs)}
	for _, r := range rs {
		out.Reservations = append(out.Reservations, toReservationDTO(r))
	}
	if len(rs) == f.Limit {
		out.NextAfter = rs[len(rs)-1].ID
	}
	return c.JSON(http.StatusOK, out)
}

// GetStockLedger answers every SKU's stock beside what its movements and
// held reservations say it must be.
func (a *API) GetStockLedger(c echo.Context) error {
	lines, err := a.Store.Ledger(c.Request().Context())
	if err != nil {
		return err
	}
	out := gen.StockLedger{Items: make([]gen.StockLedgerLine, 0, len(lines))}
	for _, l := range lines {
		out.Items = append(out.Items, gen.StockLedgerLine{SKU: l.SKU, OnHand: l.OnHand, Reserved: l.Reserved,
			OpeningOnHand: l.Opening, Movements: l.Movements, MovementsOnHand: l.OnHandFromMovements(), Held: l.Held, Agrees: l.Agrees()})
	}
	return c.JSON(http.StatusOK, out)
}
