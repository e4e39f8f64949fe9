package httpapi

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/httpserver"
	"github.com/orderflow/platform/problem"

	"github.com/orderflow/inventory-svc/internal/httpapi/gen"
	"github.com/orderflow/inventory-svc/internal/stock"
	"github.com/orderflow/inventory-svc/internal/store"
)

// Outbox is where a movement's event goes: Add in the movement's
// transaction, Notify after the commit (platform/outbox.Writer). API.Outbox is
// nil in sync mode, where nobody consumes inventory events.
type Outbox interface {
	Add(ctx context.Context, tx *sql.Tx, env events.Envelope) error
	Notify()
}

// ReceiveStock books a goods receipt: 201 for a new one, 200 for a repeated
// reference (the first receipt; nothing changed), 404 for a SKU outside the
// catalogue.
func (a *API) ReceiveStock(c echo.Context, sku gen.SKU) error {
	if err := checkSKU(sku); err != nil {
		return err
	}
	var req gen.ReceiptRequest
	if err := httpserver.DecodeJSON(c, &req); err != nil {
		return err
	}
	fields := appendField(nil, "quantity", events.ValidateReceiptQty(req.Quantity))
	fields = appendField(fields, "reference", events.ValidateReference(req.Reference))
	if len(fields) > 0 {
		return problem.Validation("the receipt is not valid", fields...)
	}
	m, it, created, err := a.book(c.Request().Context(), func(ctx context.Context, tx *sql.Tx) (stock.Movement, stock.Item, bool, error) {
		return store.Receive(ctx, tx, sku, req.Quantity, req.Reference, a.Now())
	}, func(m stock.Movement) events.Payload {
		return events.StockReceived{MovementID: m.ID, SKU: m.SKU, Quantity: m.Delta, Reference: m.Reference, OnHandAfter: m.OnHandAfter}
	})
	if err != nil {
		return movementProblem(err, sku)
	}
	return c.JSON(createdOrOK(created), gen.Receipt{ID: m.ID, SKU: m.SKU, Quantity: m.Delta, Reference: m.Reference,
		ReceivedAt: m.CreatedAt, OnHandAfter: m.OnHandAfter, Stock: toStockDTO(it)})
}

// AdjustStock corrects a SKU's stock like receive, and answers 409 when the
// correction would take on_hand below what is reserved.
func (a *API) AdjustStock(c echo.Context, sku gen.SKU) error {
	if err := checkSKU(sku); err != nil {
		return err
	}
	var req gen.AdjustmentRequest
	if err := httpserver.DecodeJSON(c, &req); err != nil {
		return err
	}
	fields := appendField(nil, "delta", events.ValidateDelta(req.Delta))
	fields = appendField(fields, "reason", events.ValidateReason(req.Reason))
	fields = appendField(fields, "reference", events.ValidateReference(req.Reference))
	if len(fields) > 0 {
		return problem.Validation("the adjustment is not valid", fields...)
	}
	m, it, created, err := a.book(c.Request().Context(), func(ctx context.Context, tx *sql.Tx) (stock.Movement, stock.Item, bool, error) {
		return store.Adjust(ctx, tx, sku, req.Delta, req.Reason, req.Reference, a.Now())
	}, func(m stock.Movement) events.Payload {
		return events.StockAdjusted{MovementID: m.ID, SKU: m.SKU, Delta: m.Delta, Reason: m.Reason, Reference: m.Reference, OnHandAfter: m.OnHandAfter}
	})
	if err != nil {
		return movementProblem(err, sku)
	}
	return c.JSON(createdOrOK(created), gen.Adjustment{ID: m.ID, SKU: m.SKU, Delta: m.Delta, Reason: m.Reason, Reference: m.Reference,
		AdjustedAt: m.CreatedAt, OnHandAfter: m.OnHandAfter, Stock: toStockDTO(it)})
}

type bookFunc func(ctx context.Context, tx *sql.Tx) (stock.Movement, stock.Item, bool, error)

// book runs one movement in a transaction and, when it created one and an
// outbox is wired, adds its event in the same transaction: no movement
// without its event, and a replayed reference publishes nothing.
func (a *API) book(ctx context.Context, run bookFunc, event func(stock.Movement) events.Payload) (stock.Movement, stock.Item, bool, error) {
	var m stock.Movement
	var it stock.Item
	var created bool
	err := a.Store.WriteStock(ctx, func(tx *sql.Tx) error {
		var err error
		if m, it, created, err = run(ctx, tx); err != nil || !created || a.Outbox == nil {
			return err
		}
		env, err := events.New(m.SKU, m.CreatedAt, event(m))
		if err != nil {
			return err
		}
		return a.Outbox.Add(ctx, tx, env)
	})
	if err == nil && created && a.Outbox != nil {
		a.Outbox.Notify()
	}
	return m, it, created, err
}

func movementProblem(err error, sku string) error {
	var short *stock.RemovalError
	switch {
	case errors.Is(err, store.ErrNotFound):
		return skuNotFound(sku)
	case errors.As(err, &short):
		return problem.New(http.StatusConflict, "insufficient-stock", "Not enough unreserved stock to remove", short.Error()).
			With("sku", short.SKU).With("delta", short.Delta).With("max_removable", short.MaxRemovable()).
			With("on_hand", short.OnHand).With("reserved", short.Reserved)
	}
	return err
}

func appendField(fields []problem.FieldError, name string, err error) []problem.FieldError {
	if err != nil {
		fields = append(fields, problem.FieldError{Field: name, Detail: err.Error()})
	}
	return fields
}

func createdOrOK(created bool) int {
	if created {
		return http.StatusCreated
	}
	return http.StatusOK
}

// checkSKU repeats the spec's rule for the {sku} path parameter where the
// store relies on it.
func checkSKU(sku string) error {
	if !events.SKUPattern.MatchString(sku) {
		return problem.Validation("malformed SKU", problem.FieldError{Field: "sku", Detail: fmt.Sprintf("%q is not a SKU: use upper-case letters, digits and dashes, e.g. SKU-001", sku)})
	}
	return nil
}

func skuNotFound(sku string) error {
	return problem.New(http.StatusNotFound, "not-found", "SKU not stocked", fmt.Sprintf("no stock record for %s", sku))
}
