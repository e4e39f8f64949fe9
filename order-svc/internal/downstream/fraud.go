package downstream

import (
	"context"
	"net/http"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/order-svc/internal/downstream/client"
	"github.com/orderflow/order-svc/internal/order"
	"github.com/orderflow/order-svc/internal/placing"
)

// Fraud is the REST client of fraud-svc (FRAUD_CHECK=on, sync mode).
type Fraud struct {
	BaseURL string
	HTTP    *http.Client
}

// Check asks fraud-svc for the order's verdict (POST /checks, idempotent
// per order): "" when cleared, the reason when suspected.
func (c *Fraud) Check(ctx context.Context, orderID, customerID, reservationID string, items []order.Line) (string, error) {
	api, err := newAPI(c.BaseURL, c.HTTP)
	if err != nil {
		return "", &placing.UnavailableError{Service: topology.FraudSvc, Err: err}
	}
	res, err := api.CheckOrderWithResponse(ctx, client.CheckRequest{OrderID: orderID, CustomerID: customerID, ReservationID: reservationID, Items: toLines(items)})
	if err != nil {
		return "", &placing.UnavailableError{Service: topology.FraudSvc, Err: err, Unsent: unsent(err)}
	}
	check := res.JSON201
	if check == nil {
		check = res.JSON200 // a repeat: the first verdict
	}
	if check == nil {
		return "", &placing.UnavailableError{Service: topology.FraudSvc, Err: unexpected(res.HTTPResponse, res.Body),
			Unsent: res.StatusCode() == http.StatusServiceUnavailable}
	}
	if check.Verdict == client.Suspected {
		if check.Reason == "" {
			return "fraud-svc gave no reason", nil
		}
		return check.Reason, nil
	}
	return "", nil
}

// Ping checks fraud-svc's liveness.
func (c *Fraud) Ping(ctx context.Context) error {
	return ping(ctx, c.HTTP, c.BaseURL, topology.FraudSvc)
}
