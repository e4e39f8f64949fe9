package scenario

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/kafkalog"
	"github.com/orderflow/flowctl/internal/stats"
)

// replay builds, in events mode, a read model no service has — each order's
// full history and units per SKU and revenue per hour — from offset 0 of the
// three topics with fresh consumer groups, and checks it against the
// services' live state. In sync mode it measures what history the APIs keep.
func replay(ctx context.Context, e *Env, t Target) (Outcome, error) {
	// One fresh order, so there is an invoice and a trail to show.
	res, err := e.batch(ctx, t, "replay", 1, 1, nil)
	if err != nil {
		return Outcome{}, err
	}
	if _, err := e.follow(ctx, t, "replay", &res); err != nil {
		return Outcome{}, err
	}
	order := res.Orders[0].Order
	live, err := t.Invoicing.Totals(ctx)
	if err != nil {
		return Outcome{}, fmt.Errorf("invoicing-svc totals: %w", err)
	}
	orders, err := t.Orders.List(ctx, stateListLimit)
	if err != nil {
		return Outcome{}, fmt.Errorf("order-svc orders: %w", err)
	}
	var o Outcome
	o.put(KeyLiveInvoices, "invoices (invoicing-svc)", float64(live.Count), "")
	o.put(KeyLiveTotal, "invoiced total (invoicing-svc)", float64(live.TotalCents)/100, string(live.Currency))
	if t.Mode == config.ModeSync {
		return syncHistory(ctx, t, o, order.ID, orders, live)
	}
	if len(e.Brokers) == 0 {
		return o, fmt.Errorf("no broker address to read the log from")
	}

	model := newReadModel()
	stamp := time.Now().UTC().Format("20060102T150405.000")
	var records int
	var took, joinWait time.Duration
	for _, topic := range kafkalog.Topics(e.TopicPrefix) {
		group := topology.ReplayGroupPrefix(e.TopicPrefix) + "readmodel." + topic + "." + stamp
		e.say("  replaying %s from offset 0 with the fresh consumer group %s", topic, group)
		st, err := kafkalog.Replay(ctx, e.Brokers, topic, group, func(r kafkalog.Record) error {
			model.apply(r)
			return nil
		})
		if err != nil {
			return o, fmt.Errorf("replay %s: %w", topic, err)
		}
		records += st.Records
		took += st.Took
		joinWait += st.JoinWait
	}
	model.finish()
	stock, err := t.Inventory.Stock(ctx)
	if err != nil {
		return o, fmt.Errorf("inventory-svc stock: %w", err)
	}
	reserved := 0
	for _, it := range stock {
		reserved += it.Reserved
	}
	chk := model.check(orders, live, reserved)
	totalsMatch := model.Invoices == live.Count && model.InvoicedCents == live.TotalCents
	o.put(KeyEventsReplayed, "events replayed (three topics)", float64(records), "events")
	o.put(KeyReplayMS, "replay took", float64(took.Milliseconds()), "ms")
	o.put(KeyJoinWaitMS, "of which joining the groups", float64(joinWait.Milliseconds()), "ms")
	o.put(KeyModelOrders, "orders with a history in the read model", float64(len(model.Orders)), "orders")
	o.put(KeySKUHours, "SKU × hour cells of units sold", float64(len(model.UnitsBySKU)), "")
	o.put(KeyReplayedInvoices, "invoices rebuilt from the log", float64(model.Invoices), "")
	o.put(KeyReplayedTotal, "total rebuilt from the log", float64(model.InvoicedCents)/100, string(live.Currency))
	o.put(KeyTotalsMatch, "rebuilt = live invoicing totals", boolMetric(totalsMatch), "")
	o.put(KeyLiveAgree, "live facts the read model agrees with", float64(chk.Agree), "")
	o.put(KeyLiveDisagree, "live facts it disagrees with", float64(chk.Disagree), "")
	o.put(KeyLiveNotInLog, "live orders with no history in the log", float64(chk.NotInLog), "orders")
	for _, d := range chk.Differences {
		o.Details = append(o.Details, "read model vs live: "+d)
	}

	trail, err := auditTrail(ctx, e, order.ID)
	if err != nil {
		return o, err
	}
	o.put(KeyAuditEvents, "events in the order's trail", float64(len(trail)), "events")
	o.Details = append(append([]string{fmt.Sprintf("audit trail of order %s, from the log:", order.ID)}, trail...), o.Details...)
	o.Holds = chk.Disagree == 0 && chk.NotInLog == 0 && len(trail) >= 3
	verdict := "agrees with every one"
	if chk.Disagree+chk.NotInLog > 0 {
		verdict = fmt.Sprintf("DISAGREES with %d and has no history for %d", chk.Disagree, chk.NotInLog)
	}
	o.Verdict = fmt.Sprintf("events: %d events replayed from offset 0 of three topics in %s built a read model no service has — %d orders' full histories, units for %d SKU-hours, %d invoices (%s) — checked against %d live facts (order statuses, invoicing's totals, inventory's reserved units) it %s; order %s's trail is %d events in the log",
		records, stats.Ms(float64(took.Milliseconds())), len(model.Orders), len(model.UnitsBySKU), model.Invoices, money(model.InvoicedCents, string(live.Currency)),
		chk.Agree+chk.Disagree+chk.NotInLog, verdict, short(order.ID), len(trail))
	return o, nil
}

// auditTrail is every event about one order on the three topics (and their
// dead-letter topics), oldest first.
func auditTrail(ctx context.Context, e *Env, orderID string) ([]string, error) {
	var recs []kafkalog.Record
	for _, topic := range append(kafkalog.Topics(e.TopicPrefix), kafkalog.DLQTopics(e.TopicPrefix)...) {
		rs, err := kafkalog.ReadAll(ctx, e.Brokers, topic)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", topic, err)
		}
		for _, r := range rs {
			if r.OrderID() == orderID {
				recs = append(recs, r)
			}
		}
	}
	slices.SortStableFunc(recs, func(a, b kafkalog.Record) int { return a.Time.Compare(b.Time) })
	lines := make([]string, 0, len(recs))
	for _, r := range recs {
		d := r.Decode()
		what := d.Envelope.Type
		if d.Err != nil {
			what = "malformed: " + d.Err.Error()
		}
		lines = append(lines, fmt.Sprintf("  %s  %-16s %-16s event %s  (%s)",
			r.Time.UTC().Format("15:04:05.000"), r.Topic, what, short(r.Header("event-id")), r.Position()))
	}
	return lines, nil
}

func boolMetric(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// money is "12.30 EUR".
func money(cents int64, currency string) string {
	return strings.TrimSpace(fmt.Sprintf("%d.%02d %s", cents/100, cents%100, currency))
}

// short is the first block of a UUID.
func short(id string) string {
	if i := strings.IndexByte(id, '-'); i > 0 {
		return id[:i]
	}
	return id
}
