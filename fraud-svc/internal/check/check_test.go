package check_test

import (
	"strings"
	"testing"
	"time"

	"github.com/orderflow/platform/events"

	"github.com/orderflow/fraud-svc/internal/check"
)

// TestDecide covers every cell: each stored verdict × a check request.
func TestDecide(t *testing.T) {
	want := map[check.Verdict]check.Action{check.None: check.Record, check.Cleared: check.Keep, check.Suspected: check.Keep}
	for _, v := range check.Verdicts {
		got, err := check.Decide(v)
		if err != nil || got != want[v] {
			t.Errorf("Decide(%q) = %v, %v; want %v", v, got, err, want[v])
		}
	}
	if len(want) != len(check.Verdicts) {
		t.Errorf("the test covers %d verdicts, the table has %d", len(want), len(check.Verdicts))
	}
	if _, err := check.Decide("maybe"); err == nil {
		t.Error(`Decide("maybe"): no error`)
	}
}

func TestJudge(t *testing.T) {
	at := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	rule := check.Rule{LimitUnits: 10}
	for _, tc := range []struct {
		name     string
		customer string
		items    []events.Line
		verdict  check.Verdict
		reason   string
	}{
		{"under the limit", "cust-1", []events.Line{{SKU: "SKU-001", Qty: 4}, {SKU: "SKU-002", Qty: 5}}, check.Cleared, ""},
		{"at the limit", "cust-1", []events.Line{{SKU: "SKU-001", Qty: 10}}, check.Cleared, ""},
		{"over the limit", "cust-1", []events.Line{{SKU: "SKU-001", Qty: 6}, {SKU: "SKU-002", Qty: 5}}, check.Suspected, "11 units, over the limit of 10"},
		{"flagged customer", "cust-fraud", []events.Line{{SKU: "SKU-001", Qty: 1}}, check.Suspected, "customer cust-fraud is flagged"},
	} {
		c := rule.Judge("o1", tc.customer, "r1", tc.items, at)
		if c.Verdict != tc.verdict || !strings.Contains(c.Reason, tc.reason) || (tc.reason == "") != (c.Reason == "") {
			t.Errorf("%s: %+v, want %s with reason %q", tc.name, c, tc.verdict, tc.reason)
		}
		if c.OrderID != "o1" || c.ReservationID != "r1" || !c.CheckedAt.Equal(at) {
			t.Errorf("%s: %+v does not carry the order, reservation and time", tc.name, c)
		}
	}
}
