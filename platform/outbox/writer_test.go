package outbox_test

import (
	"context"
	"database/sql"
	"log/slog"
	"testing"
	"time"

	"github.com/orderflow/platform/database"
	"github.com/orderflow/platform/database/dbtest"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/outbox"
	"github.com/orderflow/platform/sqlitedb"
)

// TestWriterKeysStockMovementsBySKU: a Writer stores the event for its topic
// under the envelope's key — the SKU for a stock movement, which has no
// order id — and the relay publishes it with that key.
func TestWriterKeysStockMovementsBySKU(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d database.Dialect) {
		db := openDB(t, d)
		pub := &fakePublisher{}
		relay := outbox.NewRelay(db, pub, prop, slog.New(slog.DiscardHandler))
		w := &outbox.Writer{Topic: events.TopicInventory, Propagator: prop, Relay: relay}
		env, err := events.New("SKU-004", time.Now(), events.StockReceived{MovementID: "3a7e9c10-0000-4000-8000-000000000003", SKU: "SKU-004", Quantity: 7, OnHandAfter: 5007})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		if err := sqlitedb.InTx(ctx, db, func(tx *sql.Tx) error { return w.Add(ctx, tx, env) }); err != nil {
			t.Fatal(err)
		}
		w.Notify() // must not block, with or without a running relay
		if _, err := relay.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		got := pub.published()
		if len(got) != 1 || got[0].Key != "SKU-004" || got[0].Topic != events.TopicInventory || got[0].EventType != events.TypeStockReceived || got[0].EventID != env.ID {
			t.Fatalf("published %+v, want one StockReceived on %s keyed SKU-004", got, events.TopicInventory)
		}
	})
}

// TestWriterRoutesByType: the orchestrator's one writer sends its commands
// to their participant's topic and the rest (the facts) to its Topic, in
// the order written.
func TestWriterRoutesByType(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d database.Dialect) {
		db := openDB(t, d)
		pub := &fakePublisher{}
		relay := outbox.NewRelay(db, pub, prop, slog.New(slog.DiscardHandler))
		w := &outbox.Writer{Topic: "p." + events.TopicOrders, Propagator: prop, Relay: relay,
			ByType: map[string]string{events.TypeReserveStock: "p." + events.TopicInventoryCommands}}
		const id = "3f1c2a9e-8b7d-4e6f-9a01-2b3c4d5e6f70"
		lines := []events.Line{{SKU: "SKU-001", Qty: 1}}
		placed, _ := events.New(id, time.Now(), events.OrderPlaced{OrderID: id, CustomerID: "c", Items: lines, PlacedAt: time.Now()})
		reserve, _ := events.New(id, time.Now(), events.ReserveStock{OrderID: id, CustomerID: "c", Items: lines})
		ctx := context.Background()
		if err := w.Emit(ctx, db, func(*sql.Tx) ([]events.Envelope, error) { return []events.Envelope{placed, reserve}, nil }); err != nil {
			t.Fatal(err)
		}
		if _, err := relay.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		got := pub.published()
		if len(got) != 2 || got[0].Topic != "p.orders.v1" || got[1].Topic != "p.inventory.commands.v1" || got[1].Key != id {
			t.Fatalf("published %+v, want OrderPlaced on p.orders.v1 then ReserveStock on p.inventory.commands.v1", got)
		}
	})
}
