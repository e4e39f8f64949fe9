// Package httpapi is inventory-svc's REST API (docs/openapi.yaml).
package httpapi

import (
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/httpserver"
	"github.com/orderflow/platform/problem"
	"github.com/orderflow/platform/reqvalidate"

	"github.com/orderflow/inventory-svc/internal/httpapi/gen"
	"github.com/orderflow/inventory-svc/internal/stock"
	"github.com/orderflow/inventory-svc/internal/store"
)

// API holds the handlers' dependencies; it implements the server interface
// generated from docs/openapi.yaml.
type API struct {
	Store *store.Store
	Now   func() time.Time
	// Outbox receives the events of stock movements; nil publishes none.
	Outbox Outbox
	// Mode is the service's mode: in events mode the reservation writes
	// answer 409 wrong-mode.
	Mode config.Mode
}

// Register adds the routes to e, each behind the request validator of the
// service's part of docs/openapi.yaml (embedded by the generator).
func (a *API) Register(e *echo.Echo) error {
	v, err := reqvalidate.Load(gen.GetSwagger)
	if err != nil {
		return err
	}
	gen.RegisterHandlers(reqvalidate.Routes(e, v), a)
	return nil
}

var _ gen.ServerInterface = (*API)(nil)

func toStockDTO(it stock.Item) gen.StockItem {
	return gen.StockItem{SKU: it.SKU, Name: it.Name, OnHand: it.OnHand, Reserved: it.Reserved, Available: it.Available()}
}

func toLines(in []stock.Line) []gen.Line {
	out := make([]gen.Line, 0, len(in))
	for _, l := range in {
		out = append(out, gen.Line{SKU: l.SKU, Qty: l.Qty})
	}
	return out
}

func fromLines(in []gen.Line) []stock.Line {
	out := make([]stock.Line, 0, len(in))
	for _, l := range in {
		out = append(out, stock.Line{SKU: l.SKU, Qty: l.Qty})
	}
	return out
}

func toReservationDTO(r stock.Reservation) gen.Reservation {
	return gen.Reservation{ReservationID: r.ID, OrderID: r.OrderID, Status: gen.ReservationStatus(r.Status), Items: toLines(r.Lines),
		CreatedAt: r.CreatedAt, ReleasedAt: r.ReleasedAt, Reason: r.Reason, Detail: r.Detail}
}

func (a *API) ListStock(c echo.Context) error {
	items, err := a.Store.Items(c.Request().Context())
	if err != nil {
		return err
	}
	out := gen.StockList{Items: make([]gen.StockItem, 0, len(items))}
	for _, it := range items {
		out.Items = append(out.Items, toStockDTO(it))
	}
	sort.Slice(out.Items, func(i, j int) bool { return out.Items[i].SKU < out.Items[j].SKU })
	return c.JSON(http.StatusOK, out)
}

func (a *API) GetStock(c echo.Context, sku gen.SKU) error {
	if err := checkSKU(sku); err != nil {
		return err
	}
	items, err := a.Store.Items(c.Request().Context(), sku)
	if err != nil {
		return err
	}
	it, ok := items[sku]
	if !ok {
		return skuNotFound(sku)
	}
	return c.JSON(http.StatusOK, toStockDTO(it))
}

// ReserveStock answers 201 for a new reservation, 200 for a repeat of the same
// order (idempotent: a retried sync call must not reserve twice), 409 short.
func (a *API) ReserveStock(c echo.Context) error {
	if err := a.syncOnly("POST /reservations"); err != nil {
		return err
	}
	var req gen.ReserveRequest
	if err := httpserver.DecodeJSON(c, &req); err != nil {
		return err
	}
	var fields []problem.FieldError
	if _, err := uuid.Parse(req.OrderID); err != nil {
		fields = append(fields, problem.FieldError{Field: "order_id", Detail: "must be a UUID"})
	}
	lines := fromLines(req.Items)
	if err := events.ValidateLines(lines); err != nil {
		fields = append(fields, problem.FieldError{Field: "items", Detail: err.Error()})
	}
	if len(fields) > 0 {
		return problem.Validation("the reservation request is not valid", fields...)
	}
	ctx := c.Request().Context()
	httpserver.TagOrder(ctx, req.OrderID)
	var r stock.Reservation
	var created bool
	err := a.Store.WriteStock(ctx, func(tx *sql.Tx) error {
		var err error
		r, created, err = store.Reserve(ctx, tx, req.OrderID, lines, a.Now())
		return err
	})
	var short *stock.InsufficientError
	if errors.As(err, &short) {
		return problem.New(http.StatusConflict, "out-of-stock", "Out of stock", short.Error()).
			With("sku", short.SKU).With("requested", short.Requested).With("available", short.Available)
	}
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/reservations/"+r.ID)
	status := http.StatusCreated
	if !created {
		status = http.StatusOK
	}
	return c.JSON(status, toReservationDTO(r))
}

func (a *API) GetReservation(c echo.Context, id gen.ReservationID) error {
	if err := checkReservationID(id); err != nil {
		return err
	}
	r, err := a.Store.Reservation(c.Request().Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return problem.New(http.StatusNotFound, "not-found", "Reservation not found", fmt.Sprintf("no reservation %s", id))
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toReservationDTO(r))
}

// ReleaseReservation is the compensation of sync mode: idempotent, 200 with the released reservation.
func (a *API) ReleaseReservation(c echo.Context, id gen.ReservationID) error {
	if err := checkReservationID(id); err != nil {
		return err
	}
	if err := a.syncOnly("POST /reservations/" + id + "/release"); err != nil {
		return err
	}
	ctx := c.Request().Context()
	var r stock.Reservation
	err := a.Store.WriteStock(ctx, func(tx *sql.Tx) error {
		var err error
		r, err = store.Release(ctx, tx, id, a.Now())
		return err
	})
	// Only the reservation knows its order: tagged once it is read.
	httpserver.TagOrder(ctx, r.OrderID)
	if errors.Is(err, store.ErrNotFound) {
		return problem.New(http.StatusNotFound, "not-found", "Reservation not found", fmt.Sprintf("no reservation %s", id))
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toReservationDTO(r))
}

// checkReservationID repeats the spec's rule where the store relies on it.
func checkReservationID(id string) error {
	if _, err := uuid.Parse(id); err != nil {
		return problem.Validation("the reservation id is not a UUID", problem.FieldError{Field: "id", Detail: fmt.Sprintf("%q is not a UUID", id)})
	}
	return nil
}
