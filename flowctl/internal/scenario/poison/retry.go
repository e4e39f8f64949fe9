package poison

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/orderflow/platform/kafkaconf"
	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/kafkalog"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stats"
)

// retriableOrders are placed while invoicing fails: enough that most of a
// topic's partitions (3 by default) get one order at the head and more behind.
const retriableOrders = 9

// reservedEvent is one order's message that makes invoicing-svc charge it
// (StockReserved, or IssueInvoice when orchestrated) as stored in Kafka:
// where it sat, and when it was written.
type reservedEvent struct {
	OrderID   string
	Partition int
	Offset    int64
	At        time.Time
}

// partitionWait is what one partition's retried head cost the orders behind it.
type partitionWait struct {
	Partition int
	// Head is the order whose event invoicing retried first on the partition.
	Head string
	// Behind are the other orders of the partition, whose events waited.
	Behind int
	// MaxWait is the longest any event of the partition waited from being
	// written until its order was invoiced.
	MaxWait time.Duration
}

// partitionWaits groups the events by partition (offset order) and measures
// each event's wait until its order's invoiced step; events of orders never
// invoiced are left out.
func partitionWaits(evs []reservedEvent, invoiced map[string]time.Time) []partitionWait {
	evs = slices.Clone(evs)
	slices.SortFunc(evs, func(a, b reservedEvent) int {
		return cmp.Or(cmp.Compare(a.Partition, b.Partition), cmp.Compare(a.Offset, b.Offset))
	})
	var out []partitionWait
	for _, ev := range evs {
		done, ok := invoiced[ev.OrderID]
		if !ok {
			continue
		}
		if len(out) == 0 || out[len(out)-1].Partition != ev.Partition {
			out = append(out, partitionWait{Partition: ev.Partition, Head: ev.OrderID})
		} else {
			out[len(out)-1].Behind++
		}
		out[len(out)-1].MaxWait = max(out[len(out)-1].MaxWait, done.Sub(ev.At))
	}
	return out
}

// retriableCost makes invoicing fail every event for hold, places orders
// meanwhile, clears the fault and measures how long the orders queued behind
// each partition's retried event waited. Per-partition blocking is the
// design: a retried event holds only its own partition, in order.
// It also says whether every order placed meanwhile was invoiced in the end.
func retriableCost(ctx context.Context, e *kit.Env, t kit.Target, hold time.Duration) (retried, error) {
	admin := t.Admin[topology.InvoicingSvc]
	if _, err := admin.SetFaults(ctx, api.Faults{ErrorRate: 1}); err != nil {
		return retried{}, err
	}
	defer func() {
		cctx, cancel := kit.CleanupCtx(ctx)
		defer cancel()
		_ = admin.ClearFaults(cctx)
	}()
	e.Step("  invoicing-svc fails every event for %s (retriable): %d orders meanwhile", hold, retriableOrders)
	cleared := time.Now().Add(hold)
	// The run's charge messages are read from where the topic ends now,
	// not through whatever history it holds.
	ch, err := chargeOf(e, t)
	if err != nil {
		return retried{}, err
	}
	start, err := kafkalog.EndOffsets(ctx, e.Brokers, ch.Topic)
	if err != nil {
		return retried{}, err
	}
	res, err := e.Batch(ctx, t, "retriable failure", retriableOrders, 50, nil)
	if err != nil {
		return retried{}, err
	}
	// The outage's length is the experiment's parameter, not a wait for a
	// state: the orders are in flight and being retried meanwhile.
	select {
	case <-ctx.Done():
		return retried{}, ctx.Err()
	case <-time.After(time.Until(cleared)):
	}
	if err := admin.ClearFaults(ctx); err != nil {
		return retried{}, err
	}
	if _, err := e.Follow(ctx, t, "retriable failure", &res); err != nil {
		return retried{}, err
	}
	invoiced := map[string]time.Time{}
	for _, p := range res.Orders {
		got, err := t.Orders.Get(ctx, p.Order.ID)
		if err != nil {
			return retried{}, err
		}
		for _, s := range got.Timeline {
			if string(s.Step) == "invoiced" {
				invoiced[got.ID] = s.At
			}
		}
	}
	recs, err := kafkalog.ReadFrom(ctx, e.Brokers, ch.Topic, start[ch.Topic])
	if err != nil {
		return retried{}, fmt.Errorf("read %s: %w", ch.Topic, err)
	}
	var evs []reservedEvent
	for _, r := range recs {
		if _, ours := invoiced[string(r.Key)]; ours && r.Headers[kafkaconf.HeaderEventType] == ch.Type {
			evs = append(evs, reservedEvent{OrderID: string(r.Key), Partition: r.Partition, Offset: r.Offset, At: r.Time})
		}
	}
	return retried{Type: ch.Type, Waits: partitionWaits(evs, invoiced), AllInvoiced: len(evs) == len(res.Orders) && len(invoiced) == len(res.Orders)}, nil
}

// retried is what a retriable failure cost: each partition's wait, and
// whether every order placed meanwhile was invoiced in the end.
type retried struct {
	// Type is the message retried: what invoicing-svc charges on.
	Type        string
	Waits       []partitionWait
	AllInvoiced bool
}

// What names the retried messages for a verdict ("StockReserved messages").
func (r retried) What() string {
	if r.Type == "" {
		return "messages"
	}
	return r.Type + " messages"
}

// put records the waits on o: a detail line per partition, then the totals.
func (r retried) put(o *kit.Outcome) {
	behind, worst := 0, time.Duration(0)
	for _, w := range r.Waits {
		behind += w.Behind
		worst = max(worst, w.MaxWait)
		o.Details = append(o.Details, fmt.Sprintf("retriable failure · partition %d: head order %s retried, %d %s behind it waited up to %s",
			w.Partition, kit.Short(w.Head), w.Behind, kit.Plural(w.Behind, "order"), stats.Duration(w.MaxWait)))
	}
	o.Put(RetryPartitions, float64(len(r.Waits)))
	o.Put(RetryOrdersBehind, float64(behind))
	o.Put(RetryMaxWait, stats.Millis(worst))
}
