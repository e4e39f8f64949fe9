package native

import (
	"slices"
	"testing"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// TestFraudCheckIsTheStacks: the stack's marker, not the user's
// FRAUD_CHECK, decides what every service runs with, and fraud-svc gets its
// port and order-svc its URL.
func TestFraudCheckIsTheStacks(t *testing.T) {
	l := stack.Layout{Root: t.TempDir()}
	l.RunDir = l.Root + "/.run"
	r := New(stacksWith(t, map[string]string{"FRAUD_CHECK": "on"}), l)
	st := stack.Stack{Mode: stackmode.Sync, URLs: stack.StackURLs(r.s.PortBase, stackmode.Sync)}
	if got := serviceEnv(r.opts(stackmode.Sync, nil), st, topology.OrderSvc); !slices.Contains(got, "FRAUD_CHECK=off") {
		t.Errorf("no marker: env %v, want FRAUD_CHECK=off whatever the user's", got)
	}
	if err := markFraudCheck(l, stackmode.Sync, true); err != nil {
		t.Fatal(err)
	}
	if !r.FraudCheck(stackmode.Sync) || r.FraudCheck(stackmode.Events) {
		t.Fatalf("marker: sync %v, events %v", r.FraudCheck(stackmode.Sync), r.FraudCheck(stackmode.Events))
	}
	got := serviceEnv(r.opts(stackmode.Sync, nil), st, topology.FraudSvc)
	for _, want := range []string{"FRAUD_CHECK=on", "HTTP_ADDR=127.0.0.1:8084", "FRAUD_URL=http://127.0.0.1:8084", "DB_PATH=" + l.DB(stackmode.Sync, topology.FraudSvc)} {
		if !slices.Contains(got, want) {
			t.Errorf("env lacks %s: %v", want, got)
		}
	}
	if err := markFraudCheck(l, stackmode.Sync, false); err != nil || r.FraudCheck(stackmode.Sync) {
		t.Errorf("off again: %v, still on %v", err, r.FraudCheck(stackmode.Sync))
	}
}
