package scenario

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/orderflow/flowctl/internal/api"
)

// historySteps are the steps the read model of events mode holds for an order.
var historySteps = []string{"placed", "reserved", "invoiced", "confirmed"}

// syncHistory measures what the same question costs in sync mode, where there
// is no log: which history the APIs keep at all. order-svc keeps a timeline
// (one time per step, the latest status); what happened in between (each
// call, retry or compensation) is in no API, and invoicing keeps totals, not
// their times.
func syncHistory(ctx context.Context, t Target, o Outcome, orderID string, orders []api.Order, live api.Totals) (Outcome, error) {
	fresh, err := t.Orders.Get(ctx, orderID)
	if err != nil {
		return o, err
	}
	kept := keptSteps(fresh.Timeline)
	full := 0
	for _, ord := range orders {
		if len(keptSteps(ord.Timeline)) == len(historySteps) {
			full++
		}
	}
	o.put(KeyHistorySteps, "steps of the fresh order's history the API keeps", float64(len(kept)), "")
	o.put(KeyHistoryOrders, "orders whose timeline has every step", float64(full), "orders")
	o.put(KeyListedOrders, "orders the API lists (newest, capped)", float64(len(orders)), "orders")
	answerable := []string{"status now", "when each step happened (order-svc's timeline)"}
	not := []string{"the events between the steps (calls, retries, compensations)", "a rebuild of invoicing's totals from anything but its own table", "orders beyond the newest " + fmt.Sprint(stateListLimit)}
	o.Details = append(o.Details,
		fmt.Sprintf("order %s: the API keeps %v of %v", short(orderID), kept, historySteps),
		"answerable from the APIs: "+strings.Join(answerable, "; "),
		"not answerable: "+strings.Join(not, "; "))
	// The claim's sync half: without a log, the history is what a service
	// chose to keep; it holds while order-svc keeps every step.
	o.Holds = len(kept) == len(historySteps)
	o.Verdict = fmt.Sprintf("sync: no event log — the APIs keep %d of the %d steps of order %s's history and %d of %d listed orders' full timelines; invoicing's %d invoices (%s) can be read but not rebuilt; %d questions answerable, %d not",
		len(kept), len(historySteps), short(orderID), full, len(orders), live.Count, money(live.TotalCents, string(live.Currency)), len(answerable), len(not))
	return o, nil
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
