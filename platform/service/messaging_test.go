package service

import (
	"context"
	"io"
	"path/filepath"
	"testing"

	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/outbox"
	"github.com/orderflow/platform/sqlitedb"
	"github.com/orderflow/platform/topology"
)

// TestMessagingFollowsTheSagaStyle: the topics a service creates, the
// writers it may have and the knobs it shows follow its SAGA's topology.
func TestMessagingFollowsTheSagaStyle(t *testing.T) {
	ctx := context.Background()
	cfg, err := config.Load(topology.InventorySvc, func(k string) string {
		return map[string]string{"MODE": "events", "SAGA": "orchestration", "KAFKA_TOPIC_PREFIX": "p."}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	kit, err := New(ctx, cfg, Options{Exporter: tracetest.NewInMemoryExporter(), LogWriter: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	db, err := sqlitedb.Open(ctx, filepath.Join(t.TempDir(), "x.db"), outbox.Schema)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	m := kit.Messaging(db, db)
	want := []string{"p.order-saga.replies.v1", "p.order-saga.replies.v1.dlq", "p.inventory.v1", "p.inventory.v1.dlq",
		"p.inventory.commands.v1", "p.inventory.commands.v1.dlq"}
	if len(m.topics) != len(want) {
		t.Fatalf("topics %v, want %v", m.topics, want)
	}
	for i := range want {
		if m.topics[i] != want[i] {
			t.Fatalf("topics %v, want %v", m.topics, want)
		}
	}
	if w := m.OutboxTo(events.TopicSagaReplies); w.Topic != "p.order-saga.replies.v1" {
		t.Errorf("OutboxTo(replies).Topic = %q", w.Topic)
	}
	if got := kit.knobs()["SAGA"]; got != "orchestration" {
		t.Errorf("knobs SAGA = %v", got)
	}
	defer func() {
		if recover() == nil {
			t.Error("OutboxTo(orders.v1) for inventory-svc: no panic; it produces nothing there")
		}
	}()
	m.OutboxTo(events.TopicOrders)
}
