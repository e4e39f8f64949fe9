package cancelrace

import "github.com/orderflow/flowctl/internal/stackmode"

// compensatedBy is who undid a won cancel's steps on an events stack
// (docs/architecture.md §10): the races differ — in choreography invoicing-svc
// may hear the cancel before the reservation and keeps a tombstone; in
// orchestration it hears only IssueInvoice, never sent after a cancel, and a
// charge that lands after one is voided by order-svc.
func compensatedBy(m stackmode.Mode) string {
	if m == stackmode.Orchestration {
		return "each sent by order-svc (ReleaseStock, VoidInvoice on a late InvoiceIssued)"
	}
	return "each inferred by inventory-svc and invoicing-svc from OrderCancelled"
}
