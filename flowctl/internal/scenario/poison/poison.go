// Package poison is the poison-message scenario: something malformed sent
// the mode's way in is set aside with a reason and the rest keeps flowing;
// in events mode also what a retriable failure costs the orders behind it.
package poison

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/kafkalog"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/flowctl/internal/stats"
)

// Def is poison-message.
var Def = kit.Define(kit.Spec[poisoned]{
	About: kit.About{
		Name:    "poison-message",
		Summary: "publish a malformed event: it lands in the dead-letter topic and the consumer goes on (`flowctl dlq list|redrive`)",
		Claim:   "a message can be bad; the design must say where it goes and that the rest keeps flowing",
		Metrics: []kit.MetricDef{RefusedStatus, NextOrderTTC, DeadLetters, DLQAfter, StateChanges,
			RetryPartitions, RetryOrdersBehind, RetryMaxWait},
		Headline: []kit.MetricKey{DeadLetters.Key, DLQAfter.Key, RefusedStatus.Key},
		Answers:  []kit.Answer{{Question: kit.DelayedMessage, Place: 3, Keys: []kit.MetricKey{DeadLetters.Key, DLQAfter.Key}, Says: saysDelay}},
	},
	Run:   run,
	Judge: judge,
})

// The metrics of poison-message.
var (
	RefusedStatus     = kit.MetricDef{Key: "refused_status", Label: "HTTP status of the malformed request", Short: "refused with", Unit: kit.UnitHTTPStatus}
	NextOrderTTC      = kit.MetricDef{Key: "next_order_ttc_ms", Label: "next order final after", Short: "next order final after", Unit: kit.UnitMS}
	DeadLetters       = kit.MetricDef{Key: "dead_letters", Label: "dead letters for it", Short: "dead letters", Unit: kit.UnitEvents}
	DLQAfter          = kit.MetricDef{Key: "dlq_ms", Label: "dead letter written after (its Kafka timestamp − publish)", Short: "dead-lettered after", Unit: kit.UnitMS}
	StateChanges      = kit.MetricDef{Key: "state_changes", Label: "orders, stock or invoices changed by it", Short: "state changes", Unit: kit.UnitChanges}
	RetryPartitions   = kit.MetricDef{Key: "retry_partitions", Label: "partitions held by a retried event", Short: "partitions held", Unit: kit.UnitPartitions}
	RetryOrdersBehind = kit.MetricDef{Key: "retry_orders_behind", Label: "orders queued behind a retried event", Short: "orders behind a retry", Unit: kit.UnitOrders}
	RetryMaxWait      = kit.MetricDef{Key: "retry_max_wait_ms", Label: "longest wait behind a retried event", Short: "longest wait behind a retry", Unit: kit.UnitMS}
)

// poisoned is what one mode's run measured.
type poisoned struct {
	// Changed is what the malformed message changed in the services' state.
	Changed []string
	// NextMS is the next good order's time to consistency.
	NextMS float64
	// Sync: the answer to the malformed request.
	Status int
	CType  string
	// Events: where the malformed event went, its dead letters and how long
	// they took (Stamped: by their Kafka timestamps, else by the poll), and
	// what a retriable failure of Hold cost the orders behind it.
	ID, Topic string
	// Type is the message type the malformed record claims to be.
	Type string
	Part int
	Off  int64
	// Groups are the consumer groups of the topic (platform/topology):
	// each must dead-letter its own copy.
	Groups  []string
	Entries []kafkalog.DLQEntry
	DLQ     time.Duration
	Stamped bool
	Hold    time.Duration
	Retry   retried
}

// run sends something malformed the mode's way in — a message on the
// stack's inlet (orders.v1, or inventory-svc's command topic when
// orchestrated), a request body to POST /orders — checks what it changed and
// places the next good order.
func run(ctx context.Context, e *kit.Env, t kit.Target) (poisoned, error) {
	var p poisoned
	before, err := snapshot(ctx, t)
	if err != nil {
		return p, fmt.Errorf("before the malformed message: %w", err)
	}
	if t.Mode == stackmode.Sync {
		if p.Status, p.CType, err = postRaw(ctx, t.URLs[topology.OrderSvc]+"/orders", `{"customer_id": "cust-poison", "items": [{"sku": 42`); err != nil {
			return p, err
		}
		if p.Changed, err = changedSince(ctx, t, before); err != nil {
			return p, err
		}
		// nextOrder fails the scenario unless the next order is CONFIRMED.
		p.NextMS, err = nextOrder(ctx, e, t)
		return p, err
	}
	if len(e.Brokers) == 0 {
		return p, fmt.Errorf("no broker address to publish to")
	}
	in, err := inletOf(e, t)
	if err != nil {
		return p, err
	}
	p.ID, p.Topic, p.Type, p.Groups = uuid.NewString(), in.Topic, in.Type, in.Groups
	key := "poison-" + p.ID[:8]
	// Truncated JSON: no consumer can ever process it, retrying would not help.
	value := fmt.Sprintf(`{"id":%q,"type":%q,"schema_version":1,"order_id":%q,"payload":{"order_id":`, p.ID, p.Type, key)
	e.Step("  publishing a malformed %s (event id %s) to %s", p.Type, kit.Short(p.ID), p.Topic)
	sent := time.Now()
	p.Part, p.Off, err = kafkalog.Publish(ctx, e.Brokers, p.Topic, []byte(key), []byte(value),
		map[string]string{"event-type": p.Type, "event-id": p.ID})
	if err != nil {
		return p, fmt.Errorf("publish the malformed event: %w", err)
	}
	entries, seen, err := waitDeadLetters(ctx, e, t, p.ID, sent, p.Groups)
	if err != nil {
		return p, err
	}
	p.Entries = entries
	if p.DLQ, p.Stamped = firstWritten(entries, sent); !p.Stamped {
		// No Kafka timestamp on the dead letters: the poll's view is all there is.
		p.DLQ = seen.Sub(sent)
	}
	if p.Changed, err = changedSince(ctx, t, before); err != nil {
		return p, err
	}
	if p.NextMS, err = nextOrder(ctx, e, t); err != nil {
		return p, err
	}
	p.Hold = e.Size.DownFor
	if p.Retry, err = retriableCost(ctx, e, t, p.Hold); err != nil {
		return p, fmt.Errorf("retriable failure: %w", err)
	}
	return p, nil
}

// judge: sync holds when the malformed request was refused with a problem
// and stored nothing; a brokered stack (either saga style) when the message
// was dead-lettered by every group that consumes its topic, stored nothing
// and every order placed during the retriable failure was invoiced.
func judge(mode stackmode.Mode, p poisoned) kit.Outcome {
	var o kit.Outcome
	if mode == stackmode.Sync {
		putChanges(&o, p.Changed)
		o.Put(RefusedStatus, float64(p.Status))
		o.Put(NextOrderTTC, p.NextMS)
		o.Holds = p.Status == http.StatusBadRequest && strings.HasPrefix(p.CType, "application/problem+json") && len(p.Changed) == 0
		o.Verdict = fmt.Sprintf("sync: a malformed request is refused at the door (%d %s), %s, the next order is confirmed", p.Status, p.CType, storedSentence(p.Changed))
		return o
	}
	if !p.Stamped {
		o.Details = append(o.Details, "the dead letters carry no timestamp: dlq_ms is when a poll first saw one")
	}
	dlqMS := stats.Millis(p.DLQ)
	putChanges(&o, p.Changed)
	o.Put(DeadLetters, float64(len(p.Entries)))
	o.Put(DLQAfter, dlqMS)
	o.Put(NextOrderTTC, p.NextMS)
	o.Details = append(o.Details, fmt.Sprintf("published to %s/%d/%d", p.Topic, p.Part, p.Off))
	var groups []string
	for _, d := range p.Entries {
		groups = append(groups, d.Group)
		o.Details = append(o.Details, fmt.Sprintf("dead letter %s from %s/%d/%d by %s: %s", d.Position(), d.OriginalTopic, d.OriginalPartition, d.OriginalOffset, d.Group, d.Error))
	}
	o.Details = append(o.Details, "`flowctl dlq list` shows every dead letter; `flowctl dlq redrive --event-id "+p.ID+"` would republish this one (it would come back: it is still malformed)")
	p.Retry.put(&o)
	missing := missingGroups(p.Entries, p.Groups)
	o.Holds = len(p.Entries) > 0 && len(missing) == 0 && len(p.Changed) == 0 && p.Retry.AllInvoiced
	o.Verdict = fmt.Sprintf("%s: the malformed %s on %s was dead-lettered by %s %s after it was published, %s, and the consumers went on: the next order was final after %s; "+
		"a retriable failure is not set aside but retried in place: with invoicing failing for %s, %g orders queued behind the retried %s of %g partitions and waited up to %s",
		mode, p.Type, p.Topic, strings.Join(groups, ", "), stats.Ms(dlqMS), storedSentence(p.Changed), stats.Ms(p.NextMS),
		stats.Duration(p.Hold), o.Value(RetryOrdersBehind.Key), p.Retry.What(), o.Value(RetryPartitions.Key), stats.Ms(o.Value(RetryMaxWait.Key)))
	if len(p.Entries) > 0 && len(missing) > 0 {
		o.Verdict += "; NOT dead-lettered by " + strings.Join(missing, ", ") + ", which consume(s) " + p.Topic + " too"
	}
	if !p.Retry.AllInvoiced {
		o.Verdict += "; NOT every order placed meanwhile was invoiced"
	}
	return o
}

// changedSince snapshots t again: what changed since before, one line each.
func changedSince(ctx context.Context, t kit.Target, before serviceState) ([]string, error) {
	after, err := snapshot(ctx, t)
	if err != nil {
		return nil, fmt.Errorf("after the malformed message: %w", err)
	}
	return changes(before, after), nil
}

// putChanges records the changes on o: their count and a detail line each.
func putChanges(o *kit.Outcome, changed []string) {
	o.Put(StateChanges, float64(len(changed)))
	for _, c := range changed {
		o.Details = append(o.Details, "changed by the malformed message: "+c)
	}
}

func storedSentence(changed []string) string {
	if len(changed) == 0 {
		return "nothing was stored (orders, stock and invoices unchanged)"
	}
	return fmt.Sprintf("yet it CHANGED state (%s)", strings.Join(changed, "; "))
}
