// Package consumetest is the harness of the services' drain benchmarks: a
// backlog of events drained through a service's consume.Processor as
// kafkabus.Consumer drains it (one worker per partition, each handing its
// partition's events on in batches), with the work counted. What a
// benchmark times, and how its backlog and store are made, stays in the
// service.
package consumetest

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orderflow/platform/consume"
	"github.com/orderflow/platform/database"
	"github.com/orderflow/platform/database/dbtest"
	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/kafkabus"
)

// Events is the backlog one benchmark iteration drains, as in `flowctl
// bench`'s drain (1000 orders).
const Events = 1000

// ForEach runs fn as one sub-benchmark per database and batch size, named
// "<dialect>/batch=<size>": one event a transaction, and the most
// kafkabus.Consumer hands on at once.
func ForEach(b *testing.B, fn func(b *testing.B, d database.Dialect, batch int)) {
	for _, d := range dbtest.Dialects {
		for _, batch := range []int{1, kafkabus.DefaultBatchMax} {
			b.Run(fmt.Sprintf("%s/batch=%d", d, batch), func(b *testing.B) { fn(b, d, batch) })
		}
	}
}

// Drain counts one drain benchmark's work: the Apply calls of its routes and
// the batches that failed and were handed on again.
type Drain struct {
	applies, failures atomic.Int64
}

// Counted is routes with every Apply call counted by d: more than one call
// per event is work done again (a transaction that failed to serialize ran
// again, sqlitedb.InTx).
func (d *Drain) Counted(routes consume.Routes) consume.Routes {
	out := consume.Routes{}
	for typ, apply := range routes {
		out[typ] = func(ctx context.Context, tx *sql.Tx, env events.Envelope, p events.Payload) ([]events.Envelope, error) {
			d.applies.Add(1)
			return apply(ctx, tx, env, p)
		}
	}
	return out
}

// Run drains backlog through proc: one worker per partition, each handing
// its events to proc in batches of batch. A batch that fails is counted and
// handed on again at once, as consume.Retry would (without its pause).
func (d *Drain) Run(proc *consume.Processor, backlog [][]*kafkabus.Delivery, batch int) {
	var wg sync.WaitGroup
	for _, part := range backlog {
		wg.Go(func() {
			for i := 0; i < len(part); i += batch {
				for proc.Handle(context.Background(), part[i:min(i+batch, len(part))]) != nil {
					d.failures.Add(1)
				}
			}
		})
	}
	wg.Wait()
}

// Report reports the drain of n events in took: events/s, and the Apply
// calls and failed batches per event.
func (d *Drain) Report(b *testing.B, n int, took time.Duration) {
	b.Helper()
	b.ReportMetric(float64(n)/took.Seconds(), "events/s")
	b.ReportMetric(float64(d.applies.Load())/float64(n), "applies/event")
	b.ReportMetric(float64(d.failures.Load())/float64(n), "failures/event")
}
