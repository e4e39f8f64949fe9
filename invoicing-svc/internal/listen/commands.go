package listen

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/orderflow/platform/consume"
	"github.com/orderflow/platform/events"
)

// CommandRoutes are the orchestrated saga's commands (SAGA=orchestration,
// invoicing.commands.v1). The same ledger decides as in choreography:
// IssueInvoice is a StockReserved (the charge: InvoiceIssued or
// PaymentDeclined), VoidInvoice an OrderCancelled (InvoiceVoided). The
// answer goes to the orchestrator's reply channel marked with the command's
// id; a command that changes nothing (a repeat) is not answered again.
func (h *Handler) CommandRoutes() consume.Routes {
	return consume.Routes{
		events.TypeIssueInvoice: h.issueCommand,
		events.TypeVoidInvoice:  h.voidCommand,
	}
}

func (h *Handler) issueCommand(ctx context.Context, tx *sql.Tx, cmd events.Envelope, payload events.Payload) ([]events.Envelope, error) {
	c, ok := payload.(*events.IssueInvoice)
	if !ok {
		return nil, nil
	}
	out, err := h.charge(ctx, tx, cmd, &events.StockReserved{OrderID: c.OrderID, ReservationID: c.ReservationID, CustomerID: c.CustomerID, Items: c.Items})
	return replies(cmd, out), err
}

// voidCommand voids the order's invoice. A command naming another invoice
// than the order's contradicts invoicing-svc's record: dead-lettered (the
// transaction, void included, is rolled back).
func (h *Handler) voidCommand(ctx context.Context, tx *sql.Tx, cmd events.Envelope, payload events.Payload) ([]events.Envelope, error) {
	c, ok := payload.(*events.VoidInvoice)
	if !ok {
		return nil, nil
	}
	out, err := h.cancel(ctx, tx, cmd, &events.OrderCancelled{OrderID: c.OrderID, Reason: c.Reason})
	if err != nil || len(out) == 0 {
		return nil, err
	}
	var voided events.InvoiceVoided
	if err := json.Unmarshal(out[0].Payload, &voided); err != nil {
		return nil, fmt.Errorf("read back InvoiceVoided: %w", err)
	}
	if voided.InvoiceID != c.InvoiceID {
		return nil, fmt.Errorf("%w: VoidInvoice for order %s names invoice %s, but the order's invoice is %s",
			events.ErrInvalid, c.OrderID, c.InvoiceID, voided.InvoiceID)
	}
	return replies(cmd, out), nil
}

// replies marks out as the answers to cmd.
func replies(cmd events.Envelope, out []events.Envelope) []events.Envelope {
	for i := range out {
		out[i] = events.Reply(cmd, out[i])
	}
	return out
}
