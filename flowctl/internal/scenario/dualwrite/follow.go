package dualwrite

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/kafkaconf"
	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/kafkalog"
	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// syncSettle is how long dual-write reads sync orders after the restart: in
// sync mode nothing moves an order once its request is gone, so a longer
// wait would only show the same statuses again.
const syncSettle = 2 * time.Second

// followRound follows a round's committed orders (in place) until each is
// final or provably never will be, or Settle passes, and returns the ids of
// those lost. Events: no OrderPlaced for it in orders.v1 and none left in
// order-svc's outbox, so no service will ever hear of it: it stays PENDING
// until order-svc's deadline (ORDER_DEADLINE) cancels it, and an order the
// deadline cancelled before this looked is lost all the same (it counts).
// Sync: not final after syncSettle, with no request or process left to move
// it (sync has no deadline sweeper: the request's timeout died with it).
func followRound(ctx context.Context, e *kit.Env, t kit.Target, label string, committed []api.Order) (map[string]bool, error) {
	stuck := map[string]bool{}
	all := make([]*api.Order, len(committed))
	for i := range committed {
		all[i] = &committed[i]
	}
	if t.Mode == stackmode.Sync {
		if _, err := load.FollowOrders(ctx, all, t.Orders, load.FollowConfig{Timeout: min(e.Size.Settle, syncSettle)}); err != nil {
			return nil, err
		}
		for _, o := range committed {
			if !o.Final {
				stuck[o.ID] = true
			}
		}
		return stuck, nil
	}
	deadline := time.Now().Add(e.Size.Settle)
	since := firstPlaced(all)
	announced := map[string]bool{}
	// undecided: not final, or given up by the deadline before anyone knew
	// whether its OrderPlaced was ever published.
	undecided := func(o *api.Order) bool {
		return !stuck[o.ID] && (!o.Final || cancelledByDeadline(*o) && !announced[o.ID])
	}
	for {
		var open []*api.Order
		for _, o := range all {
			if undecided(o) {
				open = append(open, o)
			}
		}
		e.Advance(label+": final or lost", len(all)-len(open), len(all))
		left := time.Until(deadline)
		if len(open) == 0 || left <= 0 {
			return stuck, nil
		}
		if _, err := load.FollowOrders(ctx, open, t.Orders, load.FollowConfig{Timeout: min(left, time.Second)}); err != nil {
			return nil, err
		}
		var ids []string
		for _, o := range open {
			if undecided(o) {
				ids = append(ids, o.ID)
			}
		}
		if len(ids) == 0 {
			continue
		}
		lost, ok, err := unannounced(ctx, e, t, ids, since)
		if err != nil {
			return nil, err
		}
		if ok {
			for _, id := range ids {
				stuck[id] = slices.Contains(lost, id)
				announced[id] = !stuck[id]
			}
		}
	}
}

// firstPlaced is a little before the earliest placement of orders (by
// order-svc's clock; the margin covers a broker's clock behind it): their
// OrderPlaced events come after it. The zero time when there is none.
func firstPlaced(orders []*api.Order) time.Time {
	var first time.Time
	for _, o := range orders {
		if !o.PlacedAt.IsZero() && (first.IsZero() || o.PlacedAt.Before(first)) {
			first = o.PlacedAt
		}
	}
	if first.IsZero() {
		return first
	}
	return first.Add(-5 * time.Second)
}

// cancelledByDeadline: order-svc's sweeper gave the order up (CANCELLED,
// reason deadline), which it does to an order no service answered for.
func cancelledByDeadline(o api.Order) bool {
	return o.Status == api.OrderStatus("CANCELLED") && o.Reason == events.ReasonDeadline
}

// unannounced are the orders of ids no service will ever hear of: none of
// order-svc's outbox rows waits to be published (read first: a row published
// after that read is in the log by the time the log is read) and orders.v1
// holds no OrderPlaced for them. false when the outbox still holds rows.
func unannounced(ctx context.Context, e *kit.Env, t kit.Target, ids []string, since time.Time) ([]string, bool, error) {
	m, err := api.GetMetrics(ctx, t.URLs[topology.OrderSvc], &http.Client{Timeout: 5 * time.Second})
	if err != nil {
		return nil, false, nil // order-svc busy or still starting: ask again next round
	}
	if pending, ok := m["outbox_pending_events"]; !ok || pending != 0 {
		return nil, false, nil
	}
	// From the round's first placement on (by the records' timestamps): the
	// history a bench left in orders.v1 is not read each round.
	topic := e.Topic(t, events.TopicOrders)
	from, err := kafkalog.OffsetsAt(ctx, e.Brokers, since, topic)
	if err != nil {
		return nil, false, fmt.Errorf("read %s: %w", topic, err)
	}
	recs, err := kafkalog.ReadFrom(ctx, e.Brokers, topic, from[topic])
	if err != nil {
		return nil, false, fmt.Errorf("read %s: %w", e.Topic(t, events.TopicOrders), err)
	}
	placed := map[string]bool{}
	for _, r := range recs {
		if r.Header(kafkaconf.HeaderEventType) == events.TypeOrderPlaced {
			placed[r.OrderID()] = true
		}
	}
	var lost []string
	for _, id := range ids {
		if !placed[id] {
			lost = append(lost, id)
		}
	}
	return lost, true, nil
}

// repairLost publishes the OrderPlaced the dual write lost, built from
// order-svc's rows — what a reconciliation job has to do where there is no
// outbox — and follows the orders to the end, so the events stack keeps no
// order the log never heard of (replay compares the log with the live
// orders). The round's numbers were taken before. Sync has no log to repair
// from: its stuck orders stay PENDING in order-svc, as after a real crash.
func repairLost(ctx context.Context, e *kit.Env, t kit.Target, r dwRound) (string, error) {
	var lost []*api.Order
	for _, o := range r.Committed {
		if r.Stuck[o.ID] {
			lost = append(lost, &o) // a copy: the round's numbers stay as measured
		}
	}
	if len(lost) == 0 {
		return "", nil
	}
	topic := e.Topic(t, events.TopicOrders)
	for _, o := range lost {
		items := make([]events.Line, len(o.Items))
		for i, l := range o.Items {
			items[i] = events.Line{SKU: l.SKU, Qty: l.Qty}
		}
		env, err := events.New(o.ID, o.PlacedAt, events.OrderPlaced{OrderID: o.ID, CustomerID: o.CustomerID, Items: items, PlacedAt: o.PlacedAt})
		if err != nil {
			return "", err
		}
		body, err := env.Encode()
		if err != nil {
			return "", err
		}
		headers := map[string]string{kafkaconf.HeaderEventType: env.Type, kafkaconf.HeaderEventID: env.ID}
		if _, _, err := kafkalog.Publish(ctx, e.Brokers, topic, []byte(env.Key()), body, headers); err != nil {
			return "", fmt.Errorf("publish OrderPlaced of %s: %w", o.ID, err)
		}
	}
	notFinal, err := load.FollowOrders(ctx, lost, t.Orders, load.FollowConfig{Timeout: e.Size.Settle})
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("cleanup: published the lost OrderPlaced of %d order(s) from order-svc's rows, as a reconciliation job would; %d of them final now",
		len(lost), len(lost)-notFinal), nil
}
