package paymentdeclined

import "github.com/orderflow/flowctl/internal/stackmode"

// releasedBy is who gave a declined order's stock back on an events stack
// (docs/architecture.md §10, "Who knows what").
func releasedBy(m stackmode.Mode) string {
	if m == stackmode.Orchestration {
		return "order-svc heard the PaymentDeclined reply and sent ReleaseStock; FAILED on the StockReleased reply"
	}
	return "inventory-svc released on invoicing-svc's PaymentDeclined; FAILED on its StockReleased"
}
