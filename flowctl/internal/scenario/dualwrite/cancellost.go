package dualwrite

import (
	"context"
	"fmt"

	"github.com/orderflow/flowctl/internal/scenario/kit"
)

// cancelLost cancels the sync orders the crash left PENDING for good, as a
// reconciliation job would once their request is known dead: in sync mode
// nothing else ever finishes them (no deadline sweeper; the request's
// timeout died with the process), and the ledger check at the end of every
// scenario counts an order not final past the placing request's life as a
// breach. A sync cancel of such an order holds nothing to undo: the crash
// fell before inventory-svc was called. The round's numbers were taken
// before; the line says what was done.
func cancelLost(ctx context.Context, t kit.Target, r dwRound) string {
	n, failed := 0, 0
	var firstErr error
	for _, o := range r.Committed {
		if !r.Stuck[o.ID] {
			continue
		}
		n++
		if _, err := t.Orders.Cancel(ctx, o.ID); err != nil {
			failed++
			if firstErr == nil {
				firstErr = err
			}
		}
	}
	switch {
	case n == 0:
		return ""
	case failed > 0:
		return fmt.Sprintf("cleanup: %d of the %d order(s) the crash left PENDING could not be cancelled (%v); they stay PENDING", failed, n, firstErr)
	}
	return fmt.Sprintf("cleanup: cancelled the %d order(s) the crash left PENDING (POST /orders/{id}/cancel), as a reconciliation job would", n)
}
