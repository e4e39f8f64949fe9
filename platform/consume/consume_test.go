package consume_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"go.opentelemetry.io/otel/propagation"

	"github.com/orderflow/platform/consume"
	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/inbox"
	"github.com/orderflow/platform/kafkabus"
	"github.com/orderflow/platform/outbox"
	"github.com/orderflow/platform/sqlitedb"
	"github.com/orderflow/platform/sqlitedb/sqlitedbtest"
)

var t0 = time.Date(2025, 11, 3, 9, 0, 0, 0, time.UTC)

type countingRelay struct{ n int }

func (r *countingRelay) Notify() { r.n++ }

// fixture is a service in miniature: a table of applied orders, the inbox,
// the outbox, and a handler that records OrderPlaced and answers with
// StockReserved — or fails for the orders named in failWith.
type fixture struct {
	db       *sql.DB
	relay    *countingRelay
	proc     *consume.Processor
	failWith map[string]error
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db, err := sqlitedb.Open(context.Background(), filepath.Join(t.TempDir(), "svc.db"),
		sqlitedbtest.Schema("test", `CREATE TABLE applied (order_id TEXT PRIMARY KEY)`), inbox.Schema, outbox.Schema)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := &fixture{db: db, relay: &countingRelay{}, failWith: map[string]error{}}
	f.proc = &consume.Processor{
		DB:     db,
		Routes: consume.Routes{events.TypeOrderPlaced: f.reserve},
		Outbox: &outbox.Writer{Topic: events.TopicInventory, Propagator: propagation.TraceContext{}, Relay: f.relay},
	}
	return f
}

func (f *fixture) reserve(ctx context.Context, tx *sql.Tx, _ events.Envelope, p events.Payload) ([]events.Envelope, error) {
	placed := p.(*events.OrderPlaced)
	if err := f.failWith[placed.OrderID]; err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO applied(order_id) VALUES (?)`, placed.OrderID); err != nil {
		return nil, err
	}
	out, err := events.New(placed.OrderID, t0, events.StockReserved{OrderID: placed.OrderID, ReservationID: "9d0f0e1c-0000-4000-8000-000000000001", CustomerID: placed.CustomerID, Items: placed.Items})
	return []events.Envelope{out}, err
}

// counts are the rows a batch could have written: applied, inbox, outbox.
func (f *fixture) counts(t *testing.T) [3]int {
	t.Helper()
	var c [3]int
	for i, table := range []string{"applied", "processed_events", "outbox"} {
		if err := f.db.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&c[i]); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

func placed(t *testing.T, n int) *kafkabus.Delivery {
	t.Helper()
	id := fmt.Sprintf("%08d-0000-4000-8000-000000000000", n)
	env, err := events.New(id, t0, events.OrderPlaced{OrderID: id, CustomerID: "c-1", Items: []events.Line{{SKU: "SKU-001", Qty: 1}}, PlacedAt: t0})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := env.Encode()
	env, p, err := events.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	return &kafkabus.Delivery{Ctx: context.Background(), Env: env, Payload: p}
}

func movement(t *testing.T) *kafkabus.Delivery {
	t.Helper()
	env, err := events.New("SKU-001", t0, events.StockReceived{MovementID: "3a7e9c10-0000-4000-8000-000000000003", SKU: "SKU-001", Quantity: 4, OnHandAfter: 4})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := env.Encode()
	env, p, err := events.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	return &kafkabus.Delivery{Ctx: context.Background(), Env: env, Payload: p}
}

func TestProcessorHandle(t *testing.T) {
	boom := errors.New("disk on fire")
	cases := []struct {
		name     string
		batch    func(t *testing.T) []*kafkabus.Delivery
		failWith map[int]error
		wantErr  error
		want     [3]int // applied, inbox, outbox
		wakeups  int
	}{
		{"a batch applies every event in one go, one wake-up",
			func(t *testing.T) []*kafkabus.Delivery {
				return []*kafkabus.Delivery{placed(t, 1), placed(t, 2), placed(t, 3)}
			},
			nil, nil, [3]int{3, 3, 3}, 1},
		{"unrouted events are skipped without an inbox row or a transaction",
			func(t *testing.T) []*kafkabus.Delivery { return []*kafkabus.Delivery{movement(t)} },
			nil, nil, [3]int{0, 0, 0}, 0},
		{"unrouted events beside routed ones are skipped",
			func(t *testing.T) []*kafkabus.Delivery { return []*kafkabus.Delivery{placed(t, 1), movement(t)} },
			nil, nil, [3]int{1, 1, 1}, 1},
		{"the same event twice in a batch is applied once",
			func(t *testing.T) []*kafkabus.Delivery { e := placed(t, 1); return []*kafkabus.Delivery{e, e} },
			nil, nil, [3]int{1, 1, 1}, 1},
		{"a failing event rolls back the whole batch",
			func(t *testing.T) []*kafkabus.Delivery { return []*kafkabus.Delivery{placed(t, 1), placed(t, 2)} },
			map[int]error{2: boom}, boom, [3]int{0, 0, 0}, 0},
		{"an invalid event keeps its ErrInvalid for the dead-letter decision",
			func(t *testing.T) []*kafkabus.Delivery { return []*kafkabus.Delivery{placed(t, 1)} },
			map[int]error{1: fmt.Errorf("%w: no price", events.ErrInvalid)}, events.ErrInvalid, [3]int{0, 0, 0}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			for n, err := range tc.failWith {
				f.failWith[fmt.Sprintf("%08d-0000-4000-8000-000000000000", n)] = err
			}
			err := f.proc.Handle(context.Background(), tc.batch(t))
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil) != (err == nil) {
				t.Fatalf("Handle = %v, want %v", err, tc.wantErr)
			}
			if got := f.counts(t); got != tc.want || f.relay.n != tc.wakeups {
				t.Fatalf("applied, inbox, outbox = %v with %d wake-ups; want %v with %d", got, f.relay.n, tc.want, tc.wakeups)
			}
		})
	}
}

// TestProcessorRedelivery: an event delivered again after its batch committed
// (a crash before the offset commit) changes nothing and emits nothing.
func TestProcessorRedelivery(t *testing.T) {
	f := newFixture(t)
	batch := []*kafkabus.Delivery{placed(t, 1), placed(t, 2)}
	for range 2 {
		if err := f.proc.Handle(context.Background(), batch); err != nil {
			t.Fatal(err)
		}
	}
	if got := f.counts(t); got != [3]int{2, 2, 2} || f.relay.n != 1 {
		t.Fatalf("after a redelivery: applied, inbox, outbox = %v with %d wake-ups; want [2 2 2] with 1", got, f.relay.n)
	}
}

// TestProcessorCountsDuplicates: a redelivered batch counts its events as
// duplicates once committed; a batch that failed counts none (its skips were
// rolled back with it), and unrouted events are no duplicates.
func TestProcessorCountsDuplicates(t *testing.T) {
	f := newFixture(t)
	f.proc.Stats = &consume.Stats{}
	batch := []*kafkabus.Delivery{placed(t, 1), placed(t, 2), movement(t)}
	for range 2 {
		if err := f.proc.Handle(context.Background(), batch); err != nil {
			t.Fatal(err)
		}
	}
	if got := f.proc.Stats.Duplicates.Load(); got != 2 {
		t.Fatalf("after one redelivery of 2 routed events: Duplicates = %d, want 2", got)
	}
	f.failWith[placed(t, 3).Env.OrderID] = errors.New("disk on fire")
	if err := f.proc.Handle(context.Background(), []*kafkabus.Delivery{batch[0], placed(t, 3)}); err == nil {
		t.Fatal("a batch with a failing event was applied")
	}
	if got := f.proc.Stats.Duplicates.Load(); got != 2 {
		t.Fatalf("a failed batch's skip counted: Duplicates = %d, want still 2", got)
	}
}
