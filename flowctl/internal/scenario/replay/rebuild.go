package replay

import (
	"context"
	"fmt"
	"time"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/kafkaconf"
	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/kafkalog"
	"github.com/orderflow/flowctl/internal/scenario/kit"
)

// rebuild is the events mode's measurement: the read model of what the run
// added to the log (replayLog), checked against what it added to the live
// state since before, and the order's trail.
func rebuild(ctx context.Context, e *kit.Env, t kit.Target, before liveState, r *replayed) error {
	if err := replayLog(ctx, e, t, r); err != nil {
		return err
	}
	after, err := readLive(ctx, t)
	if err != nil {
		return err
	}
	r.RunLive, r.RunReserved = after.since(before)
	fresh, err := t.Orders.Get(ctx, r.Order.ID)
	if err != nil {
		return fmt.Errorf("order-svc order %s: %w", r.Order.ID, err)
	}
	r.Check = r.Model.Check([]api.Order{fresh}, r.RunLive, r.RunReserved)
	r.Trail, err = auditTrail(ctx, e, t, r.Mark.Start, r.Order.ID)
	return err
}

// replayLog replays the stack's topics (by its saga style: the orchestrated
// stack's facts travel as replies) from r.Mark (the run's start) with fresh
// consumer groups into r.Model, counting and timing it. Commands are counted
// apart: they say what order-svc asked, not what happened.
func replayLog(ctx context.Context, e *kit.Env, t kit.Target, r *replayed) error {
	r.Model = kit.NewReadModel()
	l := e.Log(t)
	r.Topics = l.Topics()
	stamp := time.Now().UTC().Format("20060102T150405.000")
	for _, topic := range r.Topics {
		group := topology.ReplayGroupPrefix(l.Prefix) + "readmodel." + topic + "." + stamp
		e.Step("  replaying %s since this run began with the fresh consumer group %s (committed at the run's start offsets)", topic, group)
		st, err := kafkalog.ReplayFrom(ctx, e.Brokers, topic, group, r.Mark.Start[topic], func(rec kafkalog.Record) error {
			if events.CommandTopic(rec.Header(kafkaconf.HeaderEventType)) != "" {
				r.Commands++
			}
			r.Model.Apply(rec)
			return nil
		})
		if err != nil {
			return fmt.Errorf("replay %s: %w", topic, err)
		}
		r.Records += st.Records
		r.Took += st.Took
		r.JoinWait += st.JoinWait
	}
	r.Model.Finish()
	return nil
}

// liveState is what the services hold that the read model rebuilds:
// invoicing's totals and inventory's reserved units.
type liveState struct {
	totals   api.Totals
	reserved int
}

func readLive(ctx context.Context, t kit.Target) (liveState, error) {
	var l liveState
	var err error
	if l.totals, err = t.Invoicing.Totals(ctx); err != nil {
		return l, fmt.Errorf("invoicing-svc totals: %w", err)
	}
	stock, err := t.Inventory.Stock(ctx)
	if err != nil {
		return l, fmt.Errorf("inventory-svc stock: %w", err)
	}
	for _, it := range stock {
		l.reserved += it.Reserved
	}
	return l, nil
}

// since is what the run added to the live state: the part a read model of
// the run's events should rebuild (no other run changes the stack meanwhile:
// each holds the stack's run lock).
func (l liveState) since(before liveState) (api.Totals, int) {
	t := l.totals
	t.Count -= before.totals.Count
	t.TotalCents -= before.totals.TotalCents
	return t, l.reserved - before.reserved
}
