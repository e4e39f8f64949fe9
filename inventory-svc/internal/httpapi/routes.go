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

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/httpserver"
	"github.com/orderflow/platform/problem"
	"github.com/orderflow/platform/reqvalidate"

	"github.com/orderflow/inventory-svc/internal/httpapi/gen"
	"github.com/orderflow/inventory-svc/internal/stock"
	"github.com/orderflow/inventory-svc/internal/store"
)

// API holds the handlers' dependencies.
type API struct {
	Store *store.Store
	Now   func() time.Time
	// Outbox receives the events of stock movements; nil publishes none.
	Outbox Outbox
}

// Register adds the routes to e, each behind the request validator of the
// service's part of docs/openapi.yaml (embedded by the generator).
func (a *API) Register(e *echo.Echo) error {
	v, err := validator()
	if err != nil {
		return err
	}
	e.GET("/stock", a.listStock, v)
	e.GET("/stock/:sku", a.getStock, v)
	e.POST("/stock/:sku/receipts", a.receive, v)
	e.POST("/stock/:sku/adjustments", a.adjust, v)
	e.POST("/reservations", a.reserve, v)
	e.GET("/reservations/:id", a.getReservation, v)
	e.DELETE("/reservations/:id", a.release, v)
	return nil
}

type stockDTO struct {
	SKU       string `json:"sku"`
	Name      string `json:"name"`
	OnHand    int    `json:"on_hand"`
	Reserved  int    `json:"reserved"`
	Available int    `json:"available"`
}

func toStockDTO(it stock.Item) stockDTO {
	return stockDTO{SKU: it.SKU, Name: it.Name, OnHand: it.OnHand, Reserved: it.Reserved, Available: it.Available()}
}

type reservationDTO struct {
	ID         string       `json:"reservation_id"`
	OrderID    string       `json:"order_id"`
	Status     string       `json:"status"`
	Items      []stock.Line `json:"items"`
	CreatedAt  time.Time    `json:"created_at"`
	ReleasedAt *time.Time   `json:"released_at,omitempty"`
}

func toReservationDTO(r stock.Reservation) reservationDTO {
	d := reservationDTO{ID: r.ID, OrderID: r.OrderID, Status: r.Status, Items: r.Lines, CreatedAt: r.CreatedAt}
	if !r.ReleasedAt.IsZero() {
		d.ReleasedAt = &r.ReleasedAt
	}
	return d
}

func (a *API) listStock(c echo.Context) error {
	items, err := a.Store.Items(c.Request().Context())
	if err != nil {
		return err
	}
	out := make([]stockDTO, 0, len(items))
	for _, it := range items {
		out = append(out, toStockDTO(it))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].SKU < out[j].SKU })
	return c.JSON(http.StatusOK, map[string]any{"items": out})
}

func (a *API) getStock(c echo.Context) error {
	sku, err := stockSKU(c)
	if err != nil {
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

type reserveRequest struct {
	OrderID string       `json:"order_id"`
	Items   []stock.Line `json:"items"`
}

// reserve answers 201 for a new reservation, 200 for a repeat of the same
// order (idempotent: a retried sync call must not reserve twice), 409 short.
func (a *API) reserve(c echo.Context) error {
	var req reserveRequest
	if err := httpserver.DecodeJSON(c, &req); err != nil {
		return err
	}
	var fields []problem.FieldError
	if _, err := uuid.Parse(req.OrderID); err != nil {
		fields = append(fields, problem.FieldError{Field: "order_id", Detail: "must be a UUID"})
	}
	if err := events.ValidateLines(req.Items); err != nil {
		fields = append(fields, problem.FieldError{Field: "items", Detail: err.Error()})
	}
	if len(fields) > 0 {
		return problem.Validation("the reservation request is not valid", fields...)
	}
	ctx := c.Request().Context()
	var r stock.Reservation
	var created bool
	err := a.Store.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		r, created, err = store.Reserve(ctx, tx, req.OrderID, req.Items, a.Now())
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

func (a *API) getReservation(c echo.Context) error {
	id, err := reservationID(c)
	if err != nil {
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

// release is the compensation of sync mode: idempotent, 200 with the released reservation.
func (a *API) release(c echo.Context) error {
	id, err := reservationID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	var r stock.Reservation
	err = a.Store.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		r, err = store.Release(ctx, tx, id, a.Now())
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return problem.New(http.StatusNotFound, "not-found", "Reservation not found", fmt.Sprintf("no reservation %s", id))
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toReservationDTO(r))
}

func reservationID(c echo.Context) (string, error) {
	id := c.Param("id")
	if _, err := uuid.Parse(id); err != nil {
		return "", problem.Validation("the reservation id is not a UUID", problem.FieldError{Field: "id", Detail: fmt.Sprintf("%q is not a UUID", id)})
	}
	return id, nil
}

// validator checks requests against the embedded spec.
func validator() (echo.MiddlewareFunc, error) {
	spec, err := gen.GetSwagger()
	if err != nil {
		return nil, fmt.Errorf("load the embedded OpenAPI spec: %w", err)
	}
	v, err := reqvalidate.New(spec)
	if err != nil {
		return nil, err
	}
	return v.Middleware, nil
}
