package scenario

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/events"

	"github.com/orderflow/flowctl/internal/kafkalog"
	"github.com/orderflow/flowctl/internal/stats"
)

// poisonMessage sends something malformed the mode's way in — an event on
// orders.v1, a request body to POST /orders — and checks that it is set
// aside with a reason and that the next good order still goes through.
func poisonMessage(ctx context.Context, e *Env, t Target) (Outcome, error) {
	var o Outcome
	before, err := snapshot(ctx, t)
	if err != nil {
		return o, fmt.Errorf("before the malformed message: %w", err)
	}
	if t.Mode == config.ModeSync {
		status, ctype, err := postRaw(ctx, t.URLs["order-svc"]+"/orders", `{"customer_id": "cust-poison", "items": [{"sku": 42`)
		if err != nil {
			return o, err
		}
		changed, err := changedSince(ctx, t, before, &o)
		if err != nil {
			return o, err
		}
		// nextOrder fails the scenario unless the next order is CONFIRMED.
		next, err := e.nextOrder(ctx, t)
		if err != nil {
			return o, err
		}
		o.put(KeyRefusedStatus, "HTTP status of the malformed request", float64(status), "")
		o.put(KeyNextOrderTTCMS, "next order final after", next, "ms")
		o.Holds = status == http.StatusBadRequest && strings.HasPrefix(ctype, "application/problem+json") && len(changed) == 0
		o.Verdict = fmt.Sprintf("sync: a malformed request is refused at the door (%d %s), %s, the next order is confirmed", status, ctype, storedSentence(changed))
		return o, nil
	}
	if len(e.Brokers) == 0 {
		return o, fmt.Errorf("no broker address to publish to")
	}
	id := uuid.NewString()
	topic := e.topic(events.TopicOrders)
	key := "poison-" + id[:8]
	// Truncated JSON: no consumer can ever process it, retrying would not help.
	value := fmt.Sprintf(`{"id":%q,"type":%q,"schema_version":1,"order_id":%q,"payload":{"order_id":`, id, events.TypeOrderPlaced, key)
	e.say("  publishing a malformed %s (event id %s) to %s", events.TypeOrderPlaced, short(id), topic)
	sent := time.Now()
	part, off, err := kafkalog.Publish(ctx, e.Brokers, topic, []byte(key), []byte(value),
		map[string]string{"event-type": events.TypeOrderPlaced, "event-id": id})
	if err != nil {
		return o, fmt.Errorf("publish the malformed event: %w", err)
	}
	entries, seen, err := e.waitDeadLetters(ctx, id, sent)
	if err != nil {
		return o, err
	}
	dlq, stamped := firstWritten(entries, sent)
	if !stamped {
		// No Kafka timestamp on the dead letters: the poll's view is all there is.
		dlq = seen.Sub(sent)
		o.Details = append(o.Details, "the dead letters carry no timestamp: dlq_ms is when a poll first saw one")
	}
	dlqMS := float64(dlq.Milliseconds())
	changed, err := changedSince(ctx, t, before, &o)
	if err != nil {
		return o, err
	}
	next, err := e.nextOrder(ctx, t)
	if err != nil {
		return o, err
	}
	o.put(KeyDeadLetters, "dead letters for it", float64(len(entries)), "events")
	o.put(KeyDLQMS, "dead letter written after (its Kafka timestamp − publish)", dlqMS, "ms")
	o.put(KeyNextOrderTTCMS, "next order final after", next, "ms")
	o.Details = append(o.Details, fmt.Sprintf("published to %s/%d/%d", topic, part, off))
	var groups []string
	for _, d := range entries {
		groups = append(groups, d.Group)
		o.Details = append(o.Details, fmt.Sprintf("dead letter %s from %s/%d/%d by %s: %s", d.Position(), d.OriginalTopic, d.OriginalPartition, d.OriginalOffset, d.Group, d.Error))
	}
	o.Details = append(o.Details, "`flowctl dlq list` shows every dead letter; `flowctl dlq redrive --event-id "+id+"` would republish this one (it would come back: it is still malformed)")
	hold := e.Size.DownFor
	allInvoiced, err := e.retriableCost(ctx, t, &o, hold)
	if err != nil {
		return o, fmt.Errorf("retriable failure: %w", err)
	}
	o.Holds = len(entries) > 0 && len(changed) == 0 && allInvoiced
	o.Verdict = fmt.Sprintf("events: the malformed event was dead-lettered by %s %s after it was published, %s, and the consumers went on: the next order was final after %s; "+
		"a retriable failure is not set aside but retried in place: with invoicing failing for %s, %g orders queued behind the retried events of %g partitions and waited up to %s",
		strings.Join(groups, ", "), stats.Ms(dlqMS), storedSentence(changed), stats.Ms(next),
		seconds(hold), o.Value(KeyRetryOrdersBehind), o.Value(KeyRetryPartitions), stats.Ms(o.Value(KeyRetryMaxWaitMS)))
	if !allInvoiced {
		o.Verdict += "; NOT every order placed meanwhile was invoiced"
	}
	return o, nil
}

// changedSince snapshots t again and records on o what changed since before
// ("state_changes" and a detail line per change).
func changedSince(ctx context.Context, t Target, before serviceState, o *Outcome) ([]string, error) {
	after, err := snapshot(ctx, t)
	if err != nil {
		return nil, fmt.Errorf("after the malformed message: %w", err)
	}
	changed := changes(before, after)
	o.put(KeyStateChanges, "orders, stock or invoices changed by it", float64(len(changed)), "")
	for _, c := range changed {
		o.Details = append(o.Details, "changed by the malformed message: "+c)
	}
	return changed, nil
}

func storedSentence(changed []string) string {
	if len(changed) == 0 {
		return "nothing was stored (orders, stock and invoices unchanged)"
	}
	return fmt.Sprintf("yet it CHANGED state (%s)", strings.Join(changed, "; "))
}

// waitDeadLetters polls the dead-letter topics until the event with id is
// there (every group that consumes its topic dead-letters its own copy), and
// a moment longer for the other groups. It returns when the first was seen.
func (e *Env) waitDeadLetters(ctx context.Context, id string, since time.Time) ([]kafkalog.DLQEntry, time.Time, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var found []kafkalog.DLQEntry
	var firstSeen time.Time
	for {
		all, err := kafkalog.ListDLQ(ctx, e.Brokers, e.TopicPrefix)
		if err != nil && ctx.Err() == nil {
			return nil, firstSeen, fmt.Errorf("list dead letters: %w", err)
		}
		found = found[:0]
		for _, d := range all {
			if d.EventID == id {
				found = append(found, d)
			}
		}
		if len(found) > 0 && firstSeen.IsZero() {
			firstSeen = time.Now()
		}
		if len(found) > 0 && time.Since(firstSeen) > time.Second {
			return found, firstSeen, nil
		}
		select {
		case <-ctx.Done():
			if len(found) > 0 {
				return found, firstSeen, nil
			}
			return nil, firstSeen, fmt.Errorf("the malformed event was not dead-lettered within %s: are the consumers running? (`flowctl logs` shows their logs)", time.Since(since).Round(time.Second))
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// nextOrder places one good order and returns its time to consistency (ms);
// an error when it does not become CONFIRMED.
func (e *Env) nextOrder(ctx context.Context, t Target) (float64, error) {
	res, err := e.batch(ctx, t, "next order", 1, 1, nil)
	if err != nil {
		return -1, err
	}
	if _, err := e.follow(ctx, t, "next order", &res); err != nil {
		return -1, err
	}
	p := res.Orders[0]
	if p.Order.Status != "CONFIRMED" || p.Order.TimeToFinalMS == nil {
		return -1, fmt.Errorf("the next good order ended %s (%s): the flow did not go on", p.Status(), p.Order.Reason+p.Problem+p.Err)
	}
	return *p.Order.TimeToFinalMS, nil
}

// postRaw posts a body as JSON, returning the status and content type.
func postRaw(ctx context.Context, url, body string) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		return 0, "", fmt.Errorf("POST %s: %w", url, err)
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	return res.StatusCode, res.Header.Get("Content-Type"), nil
}
