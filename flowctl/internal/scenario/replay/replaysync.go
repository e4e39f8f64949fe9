package replay

import (
	"fmt"
	"slices"
	"strings"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/scenario/kit"
)

// historySteps are the steps the read model of events mode holds for an order.
var historySteps = []string{"placed", "reserved", "invoiced", "confirmed"}

// syncHistory measures what the same question costs in sync mode, where there
// is no log: which history the APIs keep at all. order-svc keeps a timeline
// (one time per step, the latest status); what happened in between (each
// call, retry or compensation) is in no API, and invoicing keeps totals, not
// their times.
func syncHistory(o kit.Outcome, fresh api.Order, orders []api.Order, live api.Totals) kit.Outcome {
	orderID := fresh.ID
	kept := keptSteps(fresh.Timeline)
	full := 0
	for _, ord := range orders {
		if len(keptSteps(ord.Timeline)) == len(historySteps) {
			full++
		}
	}
	o.Put(HistorySteps, float64(len(kept)))
	o.Put(HistoryOrders, float64(full))
	o.Put(ListedOrders, float64(len(orders)))
	answerable := []string{"status now", "when each step happened (order-svc's timeline)"}
	not := []string{"the events between the steps (calls, retries, compensations)", "a rebuild of invoicing's totals from anything but its own table", "orders beyond the newest " + fmt.Sprint(kit.ListLimit)}
	o.Details = append(o.Details,
		fmt.Sprintf("order %s: the API keeps %v of %v", kit.Short(orderID), kept, historySteps),
		"answerable from the APIs: "+strings.Join(answerable, "; "),
		"not answerable: "+strings.Join(not, "; "))
	// The claim's sync half: without a log, the history is what a service
	// chose to keep; it holds while order-svc keeps every step.
	o.Holds = len(kept) == len(historySteps)
	o.Verdict = fmt.Sprintf("sync: no event log — the APIs keep %d of the %d steps of order %s's history and %d of %d listed orders' full timelines; invoicing's %d invoices (%s) can be read but not rebuilt; %d questions answerable, %d not",
		len(kept), len(historySteps), kit.Short(orderID), full, len(orders), live.Count, kit.Money(live.TotalCents, string(live.Currency)), len(answerable), len(not))
	return o
}

// keptSteps are the history steps a timeline holds, in historySteps' order.
func keptSteps(tl []api.Step) []string {
	var out []string
	for _, s := range historySteps {
		if slices.ContainsFunc(tl, func(st api.Step) bool { return string(st.Step) == s }) {
			out = append(out, s)
		}
	}
	return out
}
