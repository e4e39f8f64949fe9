package kit

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// TestFollowSaysItsResolution: an outcome says how long an order could
// have been final before flowctl saw it, when an order had to be re-read.
func TestFollowSaysItsResolution(t *testing.T) {
	var mu sync.Mutex
	reads := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := strings.TrimPrefix(r.URL.Path, "/orders/")
		mu.Lock()
		reads[id]++
		n := reads[id]
		mu.Unlock()
		o := api.Order{ID: id, Status: "PENDING", Timeline: []api.Step{{Step: "placed"}}}
		if n >= 2 {
			o.Status, o.Final = "CONFIRMED", true
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(o)
	}))
	defer srv.Close()
	for _, c := range []struct {
		name     string
		answered api.Order
		measured bool
	}{
		{"pending in its answer: re-read until final", api.Order{ID: "00000000-0000-4000-8000-000000000001", Status: "PENDING"}, true},
		{"final with its timeline: nothing to re-read", api.Order{ID: "00000000-0000-4000-8000-000000000002", Status: "CONFIRMED", Final: true,
			Timeline: []api.Step{{Step: "placed"}}}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			var said []string
			e := &Env{Size: Size{Settle: time.Minute}, Say: func(f string, a ...any) { said = append(said, f) }}
			tg := NewTarget(stackmode.Events, map[string]string{topology.OrderSvc: srv.URL}, "")
			res := load.Result{Orders: []load.Placed{{HTTPStatus: 202, Order: c.answered}}}
			f, err := e.Follow(context.Background(), tg, "test", &res)
			if err != nil {
				t.Fatal(err)
			}
			var o Outcome
			f.Put(&o)
			_, ok := o.Metric(FollowInterval.Key)
			if ok != c.measured {
				t.Fatalf("follow_interval_ms present = %v, want %v", ok, c.measured)
			}
			if c.measured && (len(o.Details) != 1 || !strings.Contains(o.Details[0], "seen final up to")) {
				t.Errorf("details %q do not say the resolution", o.Details)
			}
		})
	}
}
