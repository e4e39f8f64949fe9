package bench

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/audit"
)

// TestEachStackEndsWithItsLedgerCheck: a mode's stack is checked once the
// bench is done with it (a breach and a check that cannot run both land in
// the result and the printout); a baseline is not.
func TestEachStackEndsWithItsLedgerCheck(t *testing.T) {
	var settles []time.Duration
	ledger := func(rep audit.Report, err error) Ledger {
		return func(_ context.Context, settle time.Duration) (audit.Report, error) {
			settles = append(settles, settle)
			return rep, err
		}
	}
	breach := audit.Report{Mode: "sync", Rounds: 1, Breaches: []audit.Breach{{Kind: audit.PastDeadline, OrderID: "o1", What: "PENDING for 20s, over the deadline"}}}
	targets := []Target{
		{Name: "sync", Unit: "orders/s", Step: fakeSystem(300), Stack: &Stack{Mode: "sync", Ledger: ledger(breach, nil)}},
		{Name: "events", Unit: "orders/s", Step: fakeSystem(900), Stack: &Stack{Mode: "events", Ledger: ledger(audit.Report{}, errors.New("no answer"))}},
		{Name: "kafka 3-hop", Baseline: true, Unit: "events/s", Step: fakeSystem(1e9)},
	}
	cfg := fastConfig()
	res, err := Run(context.Background(), cfg, targets, Options{Runtime: "native", DrainOrders: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(settles) != 2 || settles[0] != cfg.Settle {
		t.Errorf("checked with settle %v, want twice %s", settles, cfg.Settle)
	}
	sync, events, base := res.Targets[0], res.Targets[1], res.Targets[2]
	if sync.Ledger == nil || sync.Ledger.OK() || events.LedgerNote != "the ledger check could not run: no answer" || base.Ledger != nil || base.LedgerNote != "" {
		t.Fatalf("sync %+v / %q, events %q, baseline %+v / %q", sync.Ledger, sync.LedgerNote, events.LedgerNote, base.Ledger, base.LedgerNote)
	}
	var b bytes.Buffer
	Print(&b, res)
	for _, want := range []string{"sync: 1 ledger breach(es), first: order o1: PENDING for 20s", "  order o1: PENDING for 20s, over the deadline", "events: the ledger check could not run: no answer"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("the printout lacks %q:\n%s", want, b.String())
		}
	}
}
