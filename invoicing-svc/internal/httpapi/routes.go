// Package httpapi is invoicing-svc's REST API (docs/openapi.yaml).
package httpapi

import (
	"fmt"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/problem"
	"github.com/orderflow/platform/reqvalidate"

	"github.com/orderflow/invoicing-svc/internal/httpapi/gen"
	"github.com/orderflow/invoicing-svc/internal/invoice"
	"github.com/orderflow/invoicing-svc/internal/store"
)

// API holds the handlers' dependencies; it implements the server interface
// generated from docs/openapi.yaml.
type API struct {
	Store *store.Store
	Now   func() time.Time
	// Ledger charges and voids, as the events handlers do.
	Ledger store.Ledger
	// Mode decides who may charge and void: in events mode the events do,
	// and the sync-only writes answer 409 wrong-mode.
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

// wrongMode refuses a sync-only write in events mode: there the change
// comes from an event, and a REST write would happen behind the saga's back
// (an invoice no event announces, a credit the order never hears of).
func (a *API) wrongMode(what, owner string) error {
	if a.Mode != config.ModeEvents {
		return nil
	}
	return problem.New(http.StatusConflict, "wrong-mode", "Not in events mode",
		fmt.Sprintf("in events mode %s through %s, not over REST", what, owner))
}

func toDTO(i invoice.Invoice) gen.Invoice {
	d := gen.Invoice{InvoiceID: i.ID, OrderID: i.OrderID, CustomerID: i.CustomerID, TotalCents: i.TotalCents,
		Currency: gen.InvoiceCurrency(i.Currency), IssuedAt: i.IssuedAt, Lines: make([]gen.InvoiceLine, 0, len(i.Lines)),
		Status: gen.InvoiceStatus(i.Status), Reason: i.Reason, VoidedAt: i.VoidedAt}
	for _, l := range i.Lines {
		d.Lines = append(d.Lines, gen.InvoiceLine{SKU: l.SKU, Qty: l.Qty, UnitCents: l.UnitCents, AmountCents: l.AmountCents})
	}
	return d
}

func fromLines(in []gen.Line) []events.Line {
	out := make([]events.Line, 0, len(in))
	for _, l := range in {
		out = append(out, events.Line{SKU: l.SKU, Qty: l.Qty})
	}
	return out
}

// uuidParam checks a UUID the validator already checked, for callers that
// skip it (tests of the handlers alone).
func uuidParam(field, v string) error {
	if _, err := uuid.Parse(v); err != nil {
		return problem.Validation(field+" is not a UUID", problem.FieldError{Field: field, Detail: fmt.Sprintf("%q is not a UUID", v)})
	}
	return nil
}
