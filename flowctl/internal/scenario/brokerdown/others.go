package brokerdown

import (
	"context"
	"fmt"
	"slices"

	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/flowctl/internal/stats"
)

// settleOthers waits, after the broker came back, until a few orders flow
// through each other brokered stack of the run (settleOrders: about one per
// partition, so each consumer and producer on the path is used again): they share the broker, so
// its outage was theirs too, and the next scenario measured on them must
// not measure their reconnecting producers and re-forming groups (with
// three stacks, read-your-writes on events once read p50 651 ms after
// events-orchestration's broker-down, against 12 ms settled). What it
// took is said, not recorded: it is not this stack's number.
// settleOrders is how many orders settleOthers sends through each stack:
// one per partition of the default KAFKA_PARTITIONS=3, give or take the
// keys' hashing.
const settleOrders = 3

func settleOthers(ctx context.Context, e *kit.Env, t kit.Target) error {
	var others []stackmode.Mode
	for m := range e.Targets {
		if m != t.Mode && m.Kafka() {
			others = append(others, m)
		}
	}
	slices.Sort(others)
	for _, m := range others {
		o := e.Targets[m]
		label := fmt.Sprintf("broker-down: %s flows again", m)
		res, err := e.Batch(ctx, o, label, settleOrders, 10, nil)
		if err != nil {
			return err
		}
		if _, err := e.Follow(ctx, o, label, &res); err != nil {
			return err
		}
		var ttf []float64
		for _, p := range res.Orders {
			if !p.Order.Final || p.Order.TimeToFinalMS == nil {
				return fmt.Errorf("the %s stack shares the broker and did not settle after it came back (order %s is %s): `flowctl status` shows its services", m, p.Order.ID, p.Status())
			}
			ttf = append(ttf, *p.Order.TimeToFinalMS)
		}
		e.Step("  the %s stack, sharing the broker, flows again: %d orders placed now final after %s", m, len(ttf), stats.Pct99Label(stats.Summarize(ttf)))
	}
	return nil
}
