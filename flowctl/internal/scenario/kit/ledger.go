package kit

import (
	"context"
	"fmt"
	"time"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/audit"
)

// LedgerBreaches is what the ledger check (flowctl audit) found wrong at the
// end of a scenario's run of one mode. Every Def declares it (Define), since
// every outcome records it when the Env checks the ledger.
var LedgerBreaches = MetricDef{Key: "ledger_breaches", Label: "ledger breaches at the end (flowctl audit)", Short: "ledger breaches", Unit: UnitBreaches}

// maxBreachLines bounds the breaches an outcome lists (the count says all).
const maxBreachLines = 10

// Ledger checks one stack's ledger at the end of a run.
type Ledger func(ctx context.Context, t Target) (audit.Report, error)

// CheckLedger is the ledger check of a target, re-checked for up to settle
// while it finds a breach (events mode compensates asynchronously).
func CheckLedger(settle time.Duration) Ledger {
	return func(ctx context.Context, t Target) (audit.Report, error) {
		c := audit.Clients{Orders: t.Orders, Inventory: t.Inventory, Invoicing: t.Invoicing, OrderSvc: t.URLs[topology.OrderSvc]}
		return audit.Check(ctx, c, audit.Options{Mode: t.Mode, Settle: settle})
	}
}

// judgeLedger runs the Env's ledger check, when it has one, and puts it in
// o: the breaches as a metric and a details line with the counts of what
// was checked (Brief: no status names, which the run's own lines use). A
// breach, or a check that could not run, makes the outcome not hold and
// says so in the verdict.
func (e *Env) judgeLedger(ctx context.Context, t Target, o *Outcome) {
	if e.Ledger == nil {
		return
	}
	e.Step("  ledger check (%s)", t.Mode)
	rep, err := e.Ledger(ctx, t)
	if err != nil {
		o.Holds = false
		o.Verdict += "; the ledger check could not run: " + err.Error()
		o.Details = append(o.Details, "ledger check: could not run: "+err.Error())
		return
	}
	o.Put(LedgerBreaches, float64(len(rep.Breaches)))
	line := "ledger check: " + rep.Brief()
	if rep.Rounds > 1 {
		line += fmt.Sprintf("; settled over %d checks in %.1f s", rep.Rounds, rep.TookMS/1000)
	}
	o.Details = append(o.Details, line)
	if rep.OK() {
		return
	}
	o.Holds = false
	o.Verdict += fmt.Sprintf("; %d ledger breach(es), first: %s", len(rep.Breaches), rep.Breaches[0])
	for i, l := range rep.Lines() {
		if i == maxBreachLines {
			o.Details = append(o.Details, fmt.Sprintf("ledger breach: … and %d more (flowctl audit --mode %s lists them)", len(rep.Breaches)-i, t.Mode))
			break
		}
		o.Details = append(o.Details, "ledger breach: "+l)
	}
}
