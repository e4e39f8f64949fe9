package itest

import (
	"net/http"
	"testing"
	"time"

	"github.com/orderflow/platform/config"

	inventory "github.com/orderflow/inventory-svc/app"
)

const adminToken = "itest-token"

func (s *stack) setFaults(svc, body string) {
	s.t.Helper()
	req, _ := http.NewRequest(http.MethodPut, s.url[svc]+"/admin/faults", stringsReader(body))
	req.Header.Set("Authorization", "Bearer "+adminToken)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != http.StatusOK {
		s.t.Fatalf("PUT /admin/faults on %s: %v %v", svc, err, res)
	}
	res.Body.Close()
}

func withAdmin() map[string]map[string]string {
	env := map[string]map[string]string{}
	for _, n := range []string{"order-svc", "inventory-svc", "invoicing-svc"} {
		env[n] = map[string]string{"ADMIN_TOKEN": adminToken}
	}
	return env
}

// Sync: a failing inventory fails the order. Events: paused inventory
// consumers leave orders PENDING, and they complete once resumed.
func TestFaultsInventory(t *testing.T) {
	t.Run("sync error rate", func(t *testing.T) {
		env := withAdmin()
		delete(env, "order-svc") // order-svc's readiness must see inventory as it is
		s := startStack(t, stackOpts{mode: config.ModeSync, env: env})
		s.setFaults(inventory.Name, `{"error_rate":1}`)
		r := s.place("c-1", item("SKU-001", 1))
		if r.status != http.StatusServiceUnavailable {
			t.Fatalf("inventory failing on purpose: %d %s, want 503", r.status, r.body)
		}
	})
	t.Run("events paused consumers", func(t *testing.T) {
		s := startStack(t, stackOpts{mode: config.ModeEvents, env: withAdmin()})
		s.setFaults(inventory.Name, `{"consumers_paused":true}`)
		var o orderView
		s.place("c-1", item("SKU-001", 1)).decode(t, &o)
		deadline := time.Now().Add(500 * time.Millisecond)
		for time.Now().Before(deadline) {
			if got := s.getOrder(o.ID); got.Status != "PENDING" {
				t.Fatalf("inventory paused, yet the order is %s", got.Status)
			}
			time.Sleep(50 * time.Millisecond)
		}
		s.setFaults(inventory.Name, `{}`)
		if got := s.waitFinal(o.ID); got.Status != "CONFIRMED" {
			t.Fatalf("after resume: %s", got.Status)
		}
	})
}
