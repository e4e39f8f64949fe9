package httpapi

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/orderflow/platform/httpserver"
	"github.com/orderflow/platform/problem"

	"github.com/orderflow/invoicing-svc/internal/httpapi/gen"
	"github.com/orderflow/invoicing-svc/internal/invoice"
)

// GetCredit answers a customer's credit; every customer has one (the
// default limit until it gets its own).
func (a *API) GetCredit(c echo.Context, id gen.CustomerID) error {
	if err := customerParam(id); err != nil {
		return err
	}
	credit, err := a.Store.Credit(c.Request().Context(), id, a.Ledger.DefaultLimitCents)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, creditDTO(credit))
}

// SetCreditLimit gives a customer its own limit (idempotent), in both modes:
// it is the customer's setting, not a step of an order.
func (a *API) SetCreditLimit(c echo.Context, id gen.CustomerID) error {
	if err := customerParam(id); err != nil {
		return err
	}
	var req gen.CreditLimitRequest
	if err := httpserver.DecodeJSON(c, &req); err != nil {
		return err
	}
	credit, err := a.Store.SetLimit(c.Request().Context(), id, req.LimitCents, a.Now())
	if errors.Is(err, invoice.ErrLimitRange) {
		return problem.Validation("limit_cents is out of range", problem.FieldError{Field: "limit_cents",
			Detail: fmt.Sprintf("%d: use whole euro cents from 0 to %d", req.LimitCents, invoice.MaxLimitCents)})
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, creditDTO(credit))
}

func creditDTO(c invoice.Credit) gen.Credit {
	return gen.Credit{CustomerID: c.CustomerID, LimitCents: c.LimitCents, ChargedCents: c.ChargedCents, RemainingCents: c.RemainingCents()}
}

// customerParam checks the customer id as orders carry it (the validator
// checks it too; the handlers' own tests skip the validator).
func customerParam(id string) error {
	if strings.TrimSpace(id) == "" || utf8.RuneCountInString(id) > 64 {
		return problem.Validation("the customer id is not valid", problem.FieldError{Field: "id", Detail: "not blank, at most 64 characters"})
	}
	return nil
}
