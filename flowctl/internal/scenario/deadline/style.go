package deadline

import "github.com/orderflow/flowctl/internal/stackmode"

// lateReleaseBy is who undid a reservation made after the deadline's
// cancellation (docs/architecture.md §10, "The races each style has"): in
// choreography inventory-svc, on the OrderCancelled behind the OrderPlaced
// on its partition; in orchestration order-svc, which waited for the
// reserve's reply (CANCEL_RESERVING) and then sent ReleaseStock.
func lateReleaseBy(m stackmode.Mode) string {
	if m == stackmode.Orchestration {
		return "order-svc waited for each late StockReserved reply and sent ReleaseStock"
	}
	return "inventory-svc released on the OrderCancelled behind each OrderPlaced"
}
