package scenario

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/kafkalog"
	"github.com/orderflow/flowctl/internal/stats"
)

// replay rebuilds invoicing's totals from invoicing.v1 with a fresh consumer
// group, compares them with what invoicing-svc reports, and prints the audit
// trail of one order straight from the log.
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
	var o Outcome
	o.add("live_invoices", "invoices (invoicing-svc)", float64(live.Count), "")
	o.add("live_total", "invoiced total (invoicing-svc)", float64(live.TotalCents)/100, string(live.Currency))
	if t.Mode == config.ModeSync {
		o.Holds = true
		o.add("events_replayed", "events replayed", 0, "events") // there is no log to replay
		o.Verdict = fmt.Sprintf("sync: no event log — invoicing's %d invoices (%s) can be read but not rebuilt, and order %s's history is in three services' logs and its trace",
			live.Count, money(live.TotalCents, string(live.Currency)), short(order.ID))
		return o, nil
	}
	if len(e.Brokers) == 0 {
		return o, fmt.Errorf("no broker address to read the log from")
	}

	group := topology.ReplayGroupPrefix(e.TopicPrefix) + "invoicing." + time.Now().UTC().Format("20060102T150405.000")
	e.say("  replaying %s from offset 0 with the fresh consumer group %s", e.topic(events.TopicInvoicing), group)
	byOrder := map[string]int64{}
	dupes := 0
	st, err := kafkalog.Replay(ctx, e.Brokers, e.topic(events.TopicInvoicing), group, func(r kafkalog.Record) error {
		d := r.Decode()
		inv, ok := d.Payload.(*events.InvoiceIssued)
		if d.Err != nil || !ok {
			return nil // not an invoice: the live consumer skips it too
		}
		if _, seen := byOrder[inv.OrderID]; seen {
			dupes++ // at-least-once delivery: an order is invoiced once
			return nil
		}
		byOrder[inv.OrderID] = inv.TotalCents
		return nil
	})
	if err != nil {
		return o, fmt.Errorf("replay %s: %w", e.topic(events.TopicInvoicing), err)
	}
	var total int64
	for _, c := range byOrder {
		total += c
	}
	match := len(byOrder) == live.Count && total == live.TotalCents
	o.add("events_replayed", "events replayed", float64(st.Records), "events")
	o.add("replay_ms", "replay took", float64(st.Took.Milliseconds()), "ms")
	o.add("join_wait_ms", "of which joining the group", float64(st.JoinWait.Milliseconds()), "ms")
	o.add("replayed_invoices", "invoices rebuilt from the log", float64(len(byOrder)), "")
	o.add("replayed_total", "total rebuilt from the log", float64(total)/100, string(live.Currency))
	o.add("duplicates", "duplicate deliveries skipped", float64(dupes), "events")
	o.add("totals_match", "rebuilt = live", boolMetric(match), "")

	trail, err := auditTrail(ctx, e, order.ID)
	if err != nil {
		return o, err
	}
	o.add("audit_events", "events in the order's trail", float64(len(trail)), "events")
	o.Details = append([]string{fmt.Sprintf("audit trail of order %s, from the log:", order.ID)}, trail...)
	o.Holds = match && len(trail) >= 3
	verdict := "equal to"
	if !match {
		verdict = fmt.Sprintf("NOT equal to (%d invoices, %s)", len(byOrder), money(total, string(live.Currency)))
	}
	o.Verdict = fmt.Sprintf("events: %d events replayed in %s rebuilt %d invoices, %s — %s the live totals; order %s's trail is %d events in the log",
		st.Records, stats.Ms(float64(st.Took.Milliseconds())), len(byOrder), money(total, string(live.Currency)), verdict, short(order.ID), len(trail))
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
