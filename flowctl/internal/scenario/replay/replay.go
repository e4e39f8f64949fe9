// Package replay is the replay scenario: in events mode a read model no
// service has, built by replaying what the run added to the log (from the
// offsets marked before it, so the log's history does not change the
// figures) and checked against what the run added to the live state; in
// sync mode what history the APIs keep instead.
package replay

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/kafkalog"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/flowctl/internal/stats"
)

// Def is replay.
var Def = kit.Define(kit.Spec[replayed]{
	About: kit.About{
		Name:    "replay",
		Summary: "build a read model no service has (every order's history, units per SKU and revenue per hour) by replaying what this run added to the stack's topics (events-orchestration: its commands and the replies that carry the facts) (fresh consumer groups set to the run's start offsets); check it against the live state; sync: what history the APIs keep",
		Claim:   "an event log gives auditability and replay",
		Metrics: []kit.MetricDef{LiveInvoices, LiveTotal, EventsReplayed, ReplayTook, JoinWait, ModelOrders, SKUHours,
			ReplayedInvoices, ReplayedTotal, TotalsMatch, LiveAgree, LiveDisagree, LiveNotInLog, AuditEvents,
			HistorySteps, HistoryOrders, ListedOrders, kit.LogEventsBefore, kit.LogBytesBefore},
		Headline: []kit.MetricKey{TotalsMatch.Key, EventsReplayed.Key},
		Answers: []kit.Answer{{Question: kit.Auditability, Place: 1,
			Keys: []kit.MetricKey{EventsReplayed.Key, ReplayTook.Key, TotalsMatch.Key, AuditEvents.Key}, Says: saysAudit}},
	},
	Run:   run,
	Judge: judge,
})

// The metrics of replay. The live ones come first in both modes, so sync's
// summary row (which has no headline number) shows them: their short
// labels are their labels.
var (
	LiveInvoices     = kit.MetricDef{Key: "live_invoices", Label: "invoices (invoicing-svc)", Short: "invoices (invoicing-svc)", Unit: kit.UnitInvoices}
	LiveTotal        = kit.MetricDef{Key: "live_total", Label: "invoiced total (invoicing-svc)", Short: "invoiced total (invoicing-svc)", Unit: kit.UnitCurrency}
	EventsReplayed   = kit.MetricDef{Key: "events_replayed", Label: "messages replayed (the stack's topics)", Short: "replayed", Unit: kit.UnitEvents}
	ReplayTook       = kit.MetricDef{Key: "replay_ms", Label: "replay took", Short: "replay took", Unit: kit.UnitMS}
	JoinWait         = kit.MetricDef{Key: "join_wait_ms", Label: "of which joining the groups", Short: "joining the groups", Unit: kit.UnitMS}
	ModelOrders      = kit.MetricDef{Key: "model_orders", Label: "orders with a history in the read model", Short: "histories", Unit: kit.UnitOrders}
	SKUHours         = kit.MetricDef{Key: "sku_hours", Label: "SKU × hour cells of units sold", Short: "SKU-hours", Unit: kit.UnitCells}
	ReplayedInvoices = kit.MetricDef{Key: "replayed_invoices", Label: "invoices rebuilt from the log", Short: "invoices rebuilt", Unit: kit.UnitInvoices}
	ReplayedTotal    = kit.MetricDef{Key: "replayed_total", Label: "total rebuilt from the log", Short: "total rebuilt", Unit: kit.UnitCurrency}
	TotalsMatch      = kit.MetricDef{Key: "totals_match", Label: "rebuilt = live invoicing totals", Short: "rebuilt = live", Unit: kit.UnitYesNo}
	LiveAgree        = kit.MetricDef{Key: "live_agree", Label: "live facts the read model agrees with", Short: "agrees", Unit: kit.UnitFacts}
	LiveDisagree     = kit.MetricDef{Key: "live_disagree", Label: "live facts it disagrees with", Short: "disagrees", Unit: kit.UnitFacts}
	LiveNotInLog     = kit.MetricDef{Key: "live_not_in_log", Label: "live orders with no history in the log", Short: "not in the log", Unit: kit.UnitOrders}
	AuditEvents      = kit.MetricDef{Key: "audit_events", Label: "events in the order's trail", Short: "trail", Unit: kit.UnitEvents}
	// Sync has no log: what history its API keeps instead.
	HistorySteps  = kit.MetricDef{Key: "history_steps", Label: "steps of the fresh order's history the API keeps", Short: "steps of the fresh order's history the API keeps", Unit: kit.UnitSteps}
	HistoryOrders = kit.MetricDef{Key: "history_orders", Label: "orders whose timeline has every step", Short: "full timelines", Unit: kit.UnitOrders}
	ListedOrders  = kit.MetricDef{Key: "listed_orders", Label: "orders the API lists (newest, capped)", Short: "listed", Unit: kit.UnitOrders}
)

// replayed is what one mode's run measured: the live state after one fresh
// order and, in events mode, the read model rebuilt from the log; in sync
// mode the fresh order as the API keeps it.
type replayed struct {
	Order  api.Order
	Live   api.Totals
	Orders []api.Order
	// Fresh is the fresh order read back (sync).
	Fresh api.Order
	// The rebuild (events): of what the run added to the log (Mark), checked
	// against what the run added to the live state (RunLive, RunReserved).
	Mark        kit.LogMark
	RunLive     api.Totals
	RunReserved int
	Model       *kit.ReadModel
	Records     int
	// Topics are the stack's topics replayed; Commands the records among
	// them that were commands (orchestration).
	Topics         []string
	Commands       int
	Took, JoinWait time.Duration
	Check          kit.LiveCheck
	Trail          []string
}

// run places one fresh order, so there is an invoice and a trail to show,
// reads the live state and, in events mode, replays what the run added to
// the three topics with fresh consumer groups into a read model — from the
// offsets marked before it, so the log's history does not change what it
// measures.
func run(ctx context.Context, e *kit.Env, t kit.Target) (replayed, error) {
	var r replayed
	var before liveState
	if t.Mode.Kafka() {
		var err error
		if r.Mark, err = e.MarkLog(ctx, t); err != nil {
			return r, err
		}
		if before, err = readLive(ctx, t); err != nil {
			return r, err
		}
	}
	res, err := e.Batch(ctx, t, "replay", 1, 1, nil)
	if err != nil {
		return r, err
	}
	if _, err := e.Follow(ctx, t, "replay", &res); err != nil {
		return r, err
	}
	r.Order = res.Orders[0].Order
	if r.Live, err = t.Invoicing.Totals(ctx); err != nil {
		return r, fmt.Errorf("invoicing-svc totals: %w", err)
	}
	if r.Orders, err = t.Orders.List(ctx, kit.ListLimit); err != nil {
		return r, fmt.Errorf("order-svc orders: %w", err)
	}
	if t.Mode == stackmode.Sync {
		r.Fresh, err = t.Orders.Get(ctx, r.Order.ID)
		return r, err
	}
	return r, rebuild(ctx, e, t, before, &r)
}

// judge: events hold when the read model agrees with every live fact and
// the order's trail has its steps; sync while order-svc keeps every step.
func judge(mode stackmode.Mode, r replayed) kit.Outcome {
	var o kit.Outcome
	live := r.Live
	o.Put(LiveInvoices, float64(live.Count))
	o.PutMoney(LiveTotal, float64(live.TotalCents)/100, string(live.Currency))
	if mode == stackmode.Sync {
		return syncHistory(o, r.Fresh, r.Orders, live)
	}
	model, chk, trail, order := r.Model, r.Check, r.Trail, r.Order
	totalsMatch := model.Invoices == r.RunLive.Count && model.InvoicedCents == r.RunLive.TotalCents
	r.Mark.Put(&o)
	o.Put(EventsReplayed, float64(r.Records))
	o.Put(ReplayTook, stats.Millis(r.Took))
	o.Put(JoinWait, stats.Millis(r.JoinWait))
	o.Put(ModelOrders, float64(len(model.Orders)))
	o.Put(SKUHours, float64(len(model.UnitsBySKU)))
	o.Put(ReplayedInvoices, float64(model.Invoices))
	o.PutMoney(ReplayedTotal, float64(model.InvoicedCents)/100, string(live.Currency))
	o.Put(TotalsMatch, boolMetric(totalsMatch))
	o.Put(LiveAgree, float64(chk.Agree))
	o.Put(LiveDisagree, float64(chk.Disagree))
	o.Put(LiveNotInLog, float64(chk.NotInLog))
	for _, d := range chk.Differences {
		o.Details = append(o.Details, "read model vs live: "+d)
	}
	o.Put(AuditEvents, float64(len(trail)))
	o.Details = append(append([]string{fmt.Sprintf("audit trail of order %s, from the log:", order.ID)}, trail...), o.Details...)
	o.Holds = chk.Disagree == 0 && chk.NotInLog == 0 && len(trail) >= trailWant(mode)
	verdict := "agrees with every one"
	if chk.Disagree+chk.NotInLog > 0 {
		verdict = fmt.Sprintf("DISAGREES with %d and has no history for %d", chk.Disagree, chk.NotInLog)
	}
	o.Verdict = fmt.Sprintf("%s: %d messages this run added to %s, replayed in %s, built a read model no service has — the full history of %s, units sold per SKU and hour (%s), %s (%s) — checked against %d live facts (order statuses, invoicing's totals, inventory's reserved units) it %s; order %s's trail is %d messages in the log (a confirmed order's: %d)",
		mode, r.Records, logHolds(mode, r.Topics, r.Commands), stats.Ms(stats.Millis(r.Took)), kit.Counted(len(model.Orders), "order"), kit.Counted(len(model.UnitsBySKU), "cell"), kit.Counted(model.Invoices, "invoice"), kit.Money(model.InvoicedCents, string(live.Currency)),
		chk.Agree+chk.Disagree+chk.NotInLog, verdict, kit.Short(order.ID), len(trail), trailWant(mode))
	return o
}

// auditTrail is every message about one order on t's stack's topics (and their
// dead-letter topics) since start (the run's mark), oldest first.
func auditTrail(ctx context.Context, e *kit.Env, t kit.Target, start kafkalog.Offsets, orderID string) ([]string, error) {
	var recs []kafkalog.Record
	l := e.Log(t)
	for _, topic := range append(l.Topics(), l.DLQTopics()...) {
		rs, err := kafkalog.ReadFrom(ctx, e.Brokers, topic, start[topic])
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
		lines = append(lines, fmt.Sprintf("  %s  %-26s %-16s event %s  (%s)",
			r.Time.UTC().Format("15:04:05.000"), r.Topic, what, kit.Short(r.Header("event-id")), r.Position()))
	}
	return lines, nil
}

func boolMetric(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
