package laterejection

import (
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stats"
)

// saysLate answers the consistency question in words: of the orders
// rejected for lack of stock, how many customers were told "accepted"
// first, and how long they believed it.
func saysLate(o kit.Outcome) string {
	late, okL := o.Count(LateRejected)
	inAnswer, okA := o.Count(RejectedInAnswer)
	if !okL || !okA {
		return ""
	}
	s := stats.Of(late, late+inAnswer, "rejected orders") + " were told accepted first and learned later"
	if spread, ok := o.Spread(LateRejectionP50, LateRejectionTail); ok && late > 0 {
		s += ", " + spread + " after placing them"
	}
	return s + "; " + kit.Counted(inAnswer, "order") + " told REJECTED in the answer itself"
}
