package kit

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/orderflow/flowctl/internal/audit"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// runWithLedger runs a scenario whose outcome holds on the sync stack of
// an Env whose ledger check answers rep or err.
func runWithLedger(t *testing.T, rep audit.Report, err error) Outcome {
	t.Helper()
	d := Define(Spec[int]{About: About{Name: "holding"},
		Run: func(context.Context, *Env, Target) (int, error) { return 0, nil },
		Judge: func(m stackmode.Mode, _ int) Outcome {
			return Outcome{Verdict: string(m) + ": as claimed", Holds: true}
		}})
	checked := 0
	e := &Env{Targets: map[stackmode.Mode]Target{stackmode.Sync: {Mode: stackmode.Sync}},
		Ledger: func(_ context.Context, tg Target) (audit.Report, error) {
			checked++
			if tg.Mode != stackmode.Sync {
				t.Errorf("checked the %s stack", tg.Mode)
			}
			return rep, err
		}}
	r, runErr := d.Run(context.Background(), e, []stackmode.Mode{stackmode.Sync})
	if runErr != nil || len(r.Outcomes) != 1 || checked != 1 {
		t.Fatalf("run: %v, %d outcomes, ledger checked %d times", runErr, len(r.Outcomes), checked)
	}
	if _, ok := d.Metric(LedgerBreaches.Key); !ok || len(d.Undeclared(r.Outcomes[0])) > 0 {
		t.Errorf("ledger_breaches declared %v; undeclared %v", ok, d.Undeclared(r.Outcomes[0]))
	}
	return r.Outcomes[0]
}

func TestAnAgreeingLedgerKeepsTheOutcome(t *testing.T) {
	o := runWithLedger(t, audit.Report{Mode: "sync", Rounds: 2, TookMS: 1500, Deadline: "9s"}, nil)
	if !o.Holds || o.Verdict != "sync: as claimed" || o.Value(LedgerBreaches.Key) != 0 {
		t.Errorf("holds %v, verdict %q, metrics %+v", o.Holds, o.Verdict, o.Metrics)
	}
	if _, ok := o.Metric(LedgerBreaches.Key); !ok || !slices.ContainsFunc(o.Details, func(d string) bool {
		return strings.HasPrefix(d, "ledger check: 0 orders, 0 of them final") && strings.HasSuffix(d, "settled over 2 checks in 1.5 s")
	}) {
		t.Errorf("details %q", o.Details)
	}
}

func TestABreachFailsTheOutcome(t *testing.T) {
	var bs []audit.Breach
	for range maxBreachLines + 2 {
		bs = append(bs, audit.Breach{Kind: audit.EndedStillHeld, OrderID: "o1", What: "CANCELLED (customer), yet reservation r1 still holds 2 units"})
	}
	o := runWithLedger(t, audit.Report{Mode: "sync", Breaches: bs, Rounds: 1}, nil)
	if o.Holds || o.Value(LedgerBreaches.Key) != 12 ||
		o.Verdict != "sync: as claimed; 12 ledger breach(es), first: order o1: CANCELLED (customer), yet reservation r1 still holds 2 units" {
		t.Errorf("holds %v, verdict %q, metrics %+v", o.Holds, o.Verdict, o.Metrics)
	}
	if n := len(o.Details); n != 1+maxBreachLines+1 || !strings.Contains(o.Details[n-1], "… and 2 more (flowctl audit --mode sync") {
		t.Errorf("details %q", o.Details)
	}
}

func TestALedgerCheckThatCannotRunFailsTheOutcome(t *testing.T) {
	o := runWithLedger(t, audit.Report{}, errors.New("inventory-svc does not answer"))
	if o.Holds || !strings.HasSuffix(o.Verdict, "; the ledger check could not run: inventory-svc does not answer") {
		t.Errorf("holds %v, verdict %q", o.Holds, o.Verdict)
	}
}
