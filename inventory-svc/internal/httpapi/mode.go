package httpapi

import (
	"fmt"
	"net/http"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/problem"

	"github.com/orderflow/inventory-svc/internal/httpapi/gen"
)

// reservationsOwner is what changes reservations in events mode.
const reservationsOwner = "events: OrderPlaced, OrderCancelled (orders.v1) and PaymentDeclined (invoicing.v1)"

// syncOnly refuses a reservation write in events mode: there a reservation
// changes only through the events, each change announced on inventory.v1; a
// REST write would change the stock with no event, behind order-svc's back
// (a CONFIRMED order's stock released, its status unchanged).
func (a *API) syncOnly(what string) error {
	if a.Mode != config.ModeEvents {
		return nil
	}
	return problem.New(http.StatusConflict, "wrong-mode", "Not in this mode",
		fmt.Sprintf("%s: in events mode reservations change through orders.v1 / invoicing.v1 events, not over REST", what)).
		With("mode", gen.WrongModeEvents).With("owned_by", reservationsOwner)
}
