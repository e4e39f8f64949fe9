package guide

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/scenario"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// fakeStack is a stack whose order-svc confirms every order at once (and
// rejects the scarce one), stamped a minute ago with traceID, and whose
// inventory-svc has plenty of every SKU but the scarce one, of which it has
// exactly what the demo expects.
func fakeStack(t *testing.T, m stackmode.Mode, traceID string) stack.Stack {
	t.Helper()
	var mu sync.Mutex
	orders := map[string]api.Order{}
	stamp := time.Now().Add(-time.Minute).UTC()
	osvc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodPost {
			var req api.PlaceRequest
			_ = json.NewDecoder(r.Body).Decode(&req)
			ttf := 3.0
			o := api.Order{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", len(orders)+1), Status: "CONFIRMED", Final: true,
				TraceID: traceID, PlacedAt: stamp, UpdatedAt: stamp, TimeToFinalMS: &ttf, Items: req.Items}
			if req.Items[0].SKU == scenario.ScarceSKU {
				o.Status = "REJECTED"
			}
			orders[o.ID] = o
			w.WriteHeader(http.StatusCreated)
			_ = json.NewEncoder(w).Encode(o)
			return
		}
		_ = json.NewEncoder(w).Encode(orders[strings.TrimPrefix(r.URL.Path, "/orders/")])
	}))
	t.Cleanup(osvc.Close)
	inv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		sku := strings.Split(strings.TrimPrefix(r.URL.Path, "/stock/"), "/")[0]
		n := 1_000_000
		if sku == scenario.ScarceSKU {
			n = scenario.ScarceAvailable
		}
		_ = json.NewEncoder(w).Encode(api.StockItem{SKU: sku, Available: n})
	}))
	t.Cleanup(inv.Close)
	return stack.Stack{Mode: m, URLs: map[string]string{topology.OrderSvc: osvc.URL, topology.InventorySvc: inv.URL}}
}
