package load

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/api"
)

// fakeStack is an order-svc that confirms every order at once and an
// inventory-svc with a fixed stock that records receipts.
func fakeStack(t *testing.T, available int) (orderURL string, inv *api.Inventory, received *atomic.Int64) {
	var n atomic.Int64
	orders := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		id := strings.TrimPrefix(r.URL.Path, "/orders/")
		if r.Method == http.MethodPost {
			id = fmt.Sprintf("o-%d", n.Add(1))
			w.WriteHeader(http.StatusCreated)
		}
		ttf := 1.5
		_ = json.NewEncoder(w).Encode(api.Order{ID: id, Status: "CONFIRMED", Final: true, TimeToFinalMS: &ttf})
	}))
	t.Cleanup(orders.Close)
	received = &atomic.Int64{}
	stock := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		sku := strings.Split(strings.TrimPrefix(r.URL.Path, "/stock/"), "/")[0]
		if strings.HasSuffix(r.URL.Path, "/receipts") {
			var body struct{ Quantity int }
			_ = json.NewDecoder(r.Body).Decode(&body)
			received.Add(int64(body.Quantity))
			w.WriteHeader(http.StatusCreated)
			_ = json.NewEncoder(w).Encode(api.Movement{ID: "m", SKU: sku})
			return
		}
		_ = json.NewEncoder(w).Encode(api.StockItem{SKU: sku, Available: available})
	}))
	t.Cleanup(stock.Close)
	return orders.URL, api.NewInventory(stock.URL, nil), received
}

func TestRunStacksDrivesEveryStackWithItsStock(t *testing.T) {
	syncURL, syncInv, syncReceived := fakeStack(t, 0)
	eventsURL, eventsInv, eventsReceived := fakeStack(t, 1_000_000)
	var mu sync.Mutex
	var said bytes.Buffer
	last := map[string]int{}
	rs, err := RunStacks(context.Background(), []Stack{
		{Mode: "sync", OrderURL: syncURL, Inventory: syncInv},
		{Mode: "events", OrderURL: eventsURL, Inventory: eventsInv},
	}, StacksConfig{Rate: 200, Count: 20, Settle: 5 * time.Second,
		Say:      func(s string) { mu.Lock(); said.WriteString(s + "\n"); mu.Unlock() },
		Progress: func(label string, done, total int) { last[label] = done },
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, mode := range []string{"sync", "events"} {
		if rs[i].Mode != mode || rs[i].Summary.Orders != 20 || rs[i].Summary.ByStatus["CONFIRMED"] != 20 || rs[i].Summary.NotFinal != 0 {
			t.Errorf("%s: %+v", mode, rs[i])
		}
	}
	// Mix orders 1–3 units (1 + i%3): 20 orders need 39 units in all.
	if syncReceived.Load() != 39 || eventsReceived.Load() != 0 {
		t.Errorf("received sync %d, events %d; want 39 for the empty stock and none for the full one", syncReceived.Load(), eventsReceived.Load())
	}
	if !strings.Contains(said.String(), "stock for load-sync:") || !strings.Contains(said.String(), "stock for load-events: enough of") {
		t.Errorf("stock lines:\n%s", said.String())
	}
	if last["placed (sync+events)"] != 40 {
		t.Errorf("progress %v, want 40 placed across both stacks", last)
	}
	var out bytes.Buffer
	Print(&out, rs)
	// 20 samples: no p99 shown, the max is the tail.
	if !strings.Contains(out.String(), "CONFIRMED 20") || !strings.Contains(out.String(), " / – / ") || !strings.Contains(out.String(), "(n=20)") {
		t.Errorf("table:\n%s", out.String())
	}
}

func TestRunStacksExplainsAStackThatDoesNotAnswer(t *testing.T) {
	orderURL, _, _ := fakeStack(t, 100)
	_, err := RunStacks(context.Background(), []Stack{{Mode: "events", OrderURL: orderURL, Inventory: api.NewInventory("http://127.0.0.1:1", nil)}},
		StacksConfig{Rate: 100, Count: 1, Settle: time.Second,
			Explain: func(err error, what, mode string) error { return fmt.Errorf("%s (%s) is down", what, mode) }})
	if err == nil || err.Error() != "inventory-svc (events) is down" {
		t.Fatalf("err = %v", err)
	}
}
