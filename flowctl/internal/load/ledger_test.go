package load

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/audit"
)

func TestLedgerLines(t *testing.T) {
	rs := []StackResult{{Mode: "sync"}}
	checkLedgers(context.Background(), rs, []map[string]string{{topology.OrderSvc: "http://127.0.0.1:1"}}, 0)
	if rs[0].Ledger != nil || !strings.Contains(rs[0].LedgerError, "connection refused") {
		t.Fatalf("an unreachable stack: %+v", rs[0])
	}
	rs = append(rs, StackResult{Mode: "events", Ledger: &audit.Report{Mode: "events", Rounds: 1,
		Breaches: []audit.Breach{{Kind: audit.StockReserved, SKU: "SKU-001", What: "reserved 3, but its held reservations hold 2"}}}})
	var b bytes.Buffer
	printLedgers(&b, rs)
	want := []string{"sync: the ledger check could not run: ", "events: 1 ledger breach(es), first: SKU SKU-001: reserved 3", " — checked 0 orders", "  SKU SKU-001: reserved 3, but its held reservations hold 2"}
	for _, w := range want {
		if !strings.Contains(b.String(), w) {
			t.Errorf("output lacks %q:\n%s", w, b.String())
		}
	}
}
