package laterejection

import "github.com/orderflow/flowctl/internal/stackmode"

// rejectionPath is how the rejection reached order-svc on an events stack
// (docs/architecture.md §10): the orchestrated saga adds the command's hop.
func rejectionPath(m stackmode.Mode) string {
	if m == stackmode.Orchestration {
		return "order-svc's ReserveStock command, inventory-svc's StockRejected reply"
	}
	return "inventory-svc's StockRejected event on OrderPlaced"
}
