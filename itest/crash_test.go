package itest

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/faults"

	orders "github.com/orderflow/order-svc/app"
)

// TestCrashAfterCommitWiring: crash_after_commit set through the admin API
// reaches order-svc's placer in each mode and with each ORDER_PUBLISH: the
// process would exit at the second commit, not at the first. The test's
// Exit only records the call, so the orders go on and complete: with
// ORDER_PUBLISH=direct through the producer alone, without an outbox row.
func TestCrashAfterCommitWiring(t *testing.T) {
	for _, c := range []struct {
		name    string
		mode    config.Mode
		publish string
		status  int
	}{
		{"sync", config.ModeSync, "", http.StatusCreated},
		{"events with the outbox", config.ModeEvents, "outbox", http.StatusAccepted},
		{"events, direct publish", config.ModeEvents, "direct", http.StatusAccepted},
	} {
		t.Run(c.name, func(t *testing.T) {
			env := withAdmin()
			if c.publish != "" {
				env[orders.Name]["ORDER_PUBLISH"] = c.publish
			}
			s := startStack(t, stackOpts{mode: c.mode, env: env})
			s.waitHTTP(orders.Name, "/readyz")
			if c.mode == config.ModeEvents {
				s.waitTopics(orders.Name)
			}
			exits := make(chan int, 4)
			s.order.Kit.Faults.Exit = func(code int) { exits <- code }
			s.setFaults(orders.Name, `{"crash_after_commit":2}`)

			var ids []string
			for i := range 2 {
				r := s.place(fmt.Sprintf("crash-%d", i), item("SKU-001", 1))
				if r.status != c.status {
					t.Fatalf("order %d: %d %s, want %d", i, r.status, r.body, c.status)
				}
				var o orderView
				r.decode(t, &o)
				ids = append(ids, o.ID)
				if i == 0 && len(exits) != 0 {
					t.Fatal("the fault fired at the first commit; it was set for the second")
				}
			}
			if len(exits) != 1 {
				t.Fatalf("Exit called %d times after two commits, want once", len(exits))
			}
			if code := <-exits; code != faults.CrashExitCode {
				t.Errorf("exit code %d, want %d", code, faults.CrashExitCode)
			}
			for _, id := range ids {
				if got := s.waitFinal(id); got.Status != "CONFIRMED" {
					t.Errorf("order %s ended %s, want CONFIRMED", id, got.Status)
				}
			}
			if c.mode == config.ModeSync {
				return
			}
			var rows int
			if err := s.order.Store.DB.QueryRow(`SELECT COUNT(*) FROM outbox`).Scan(&rows); err != nil {
				t.Fatal(err)
			}
			if want := map[string]int{"outbox": 2, "direct": 0}[c.publish]; rows != want {
				t.Errorf("order-svc's outbox has %d rows, want %d with ORDER_PUBLISH=%s", rows, want, c.publish)
			}
		})
	}
}
