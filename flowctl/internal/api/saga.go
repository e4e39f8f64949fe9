package api

import (
	"context"
	"net/http"
	"net/url"

	oapi "github.com/orderflow/flowctl/internal/api/client"
)

// SetCreditLimit sets a customer's credit limit in cents (PUT
// /customers/{id}/credit-limit; the same limit again changes nothing) and
// returns the customer's credit after it.
func (i *Invoicing) SetCreditLimit(ctx context.Context, customer string, cents int64) (Credit, error) {
	res, err := i.c.api.SetCreditLimitWithResponse(ctx, customer, oapi.CreditLimitRequest{LimitCents: cents})
	path := "/customers/" + url.PathEscape(customer) + "/credit-limit"
	if err := checked(http.MethodPut, path, err, func() (*http.Response, []byte) { return res.HTTPResponse, res.Body }); err != nil {
		return Credit{}, err
	}
	return *res.JSON200, nil
}

// ReservationsOf are inventory-svc's reservation rows of one order (GET
// /reservations?order_id=): none before its OrderPlaced was handled, one
// after (HELD, RELEASED, REJECTED or a cancellation's tombstone).
func (i *Inventory) ReservationsOf(ctx context.Context, orderID string) ([]Reservation, error) {
	limit := 50
	res, err := i.c.api.ListReservationsWithResponse(ctx, &oapi.ListReservationsParams{OrderID: &orderID, Limit: &limit})
	path := "/reservations?order_id=" + url.QueryEscape(orderID)
	if err := checked(http.MethodGet, path, err, func() (*http.Response, []byte) { return res.HTTPResponse, res.Body }); err != nil {
		return nil, err
	}
	return res.JSON200.Reservations, nil
}
