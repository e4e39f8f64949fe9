package itest

import (
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/kafkabus"
	"github.com/orderflow/platform/kafkaconf"

	inventory "github.com/orderflow/inventory-svc/app"
	invoicing "github.com/orderflow/invoicing-svc/app"
)

// TestEventsStockMovements: in events mode a receipt and an adjustment each
// put one event on inventory.v1, keyed by SKU; a replayed reference puts
// none. order-svc and invoicing-svc, which consume inventory.v1, process them
// without a dead letter and without a state change, and the order flow goes on.
func TestEventsStockMovements(t *testing.T) {
	s := startStack(t, stackOpts{mode: config.ModeEvents})
	inv := s.url[inventory.Name]
	if r := do(t, http.MethodPost, inv+"/stock/SKU-005/receipts", map[string]any{"quantity": 10, "reference": "DN-1"}); r.status != http.StatusCreated {
		t.Fatalf("receipt = %d %s", r.status, r.body)
	}
	if r := do(t, http.MethodPost, inv+"/stock/SKU-005/receipts", map[string]any{"quantity": 10, "reference": "DN-1"}); r.status != http.StatusOK {
		t.Fatalf("replayed receipt = %d %s", r.status, r.body)
	}
	if r := do(t, http.MethodPost, inv+"/stock/SKU-005/adjustments", map[string]any{"delta": -2, "reason": "count: 2 dented"}); r.status != http.StatusCreated {
		t.Fatalf("adjustment = %d %s", r.status, r.body)
	}

	msgs := readAllEventually(t, s.prefix+events.TopicInventory, 2)
	var types []string
	for _, m := range msgs {
		env, _, err := events.Decode(m.Value)
		if err != nil || string(m.Key) != "SKU-005" || env.SKU != "SKU-005" || env.OrderID != "" ||
			kafkabus.Header(m.Headers, kafkaconf.HeaderEventType) != env.Type || kafkabus.Header(m.Headers, kafkaconf.HeaderEventID) != env.ID {
			t.Fatalf("message key %q headers %v value %s: %v", m.Key, m.Headers, m.Value, err)
		}
		types = append(types, env.Type)
	}
	slices.Sort(types)
	if !slices.Equal(types, []string{events.TypeStockAdjusted, events.TypeStockReceived}) {
		t.Fatalf("inventory.v1 holds %v, want one StockReceived and one StockAdjusted", types)
	}

	orderC, billC := &s.order.Messaging.Stats, &s.invoicing.Messaging.Stats
	counts := func() string {
		return fmt.Sprintf("order-svc processed %d, dead-lettered %d; invoicing-svc processed %d, dead-lettered %d",
			orderC.Processed.Load(), orderC.DeadLetter.Load(), billC.Processed.Load(), billC.DeadLetter.Load())
	}
	eventually(t, 20*time.Second, "both consumers handled the movements", func() (bool, string) {
		return orderC.Processed.Load()+orderC.DeadLetter.Load() == 2 && billC.Processed.Load()+billC.DeadLetter.Load() == 2, counts()
	})
	if orderC.Processed.Load() != 2 || billC.Processed.Load() != 2 {
		t.Fatalf("%s; want both processed, none dead-lettered", counts())
	}
	if n, err := countMessages(events.DLQ(s.prefix + events.TopicInventory)); err != nil || n != 0 {
		t.Fatalf("inventory.v1.dlq holds %d messages (%v), want 0", n, err)
	}
	var totals struct{ Count int }
	do(t, http.MethodGet, s.url[invoicing.Name]+"/invoices/totals", nil).decode(t, &totals)
	if totals.Count != 0 {
		t.Fatalf("the movements produced %d invoices", totals.Count)
	}

	// The flow goes on, and the 8 received-minus-written-off units of the
	// scarce SKU can be ordered.
	var o orderView
	s.place("c-1", item("SKU-005", 11)).decode(t, &o)
	if got := s.waitFinal(o.ID); got.Status != "CONFIRMED" {
		t.Fatalf("order of 11 × SKU-005 (3 + 10 − 2 on hand) = %s %s", got.Status, got.Reason)
	}
}
