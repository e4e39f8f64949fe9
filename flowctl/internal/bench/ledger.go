package bench

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/orderflow/flowctl/internal/audit"
)

// Ledger checks a stack's ledger (flowctl audit), settling for up to settle.
type Ledger func(ctx context.Context, settle time.Duration) (audit.Report, error)

// stackLedger is the ledger check of the stack si describes.
func stackLedger(si StackInfo) Ledger {
	return func(ctx context.Context, settle time.Duration) (audit.Report, error) {
		return audit.Check(ctx, audit.ClientsAt(si.URLs), audit.Options{Mode: si.Mode, Settle: settle})
	}
}

// checkLedger runs a stack's ledger check once the bench is done with it
// and puts its report, or why it could not run, in tr.
func checkLedger(ctx context.Context, tr *TargetResult, s *Stack, settle time.Duration, o Options) {
	o.Say("  ledger check of the %s stack", tr.Name)
	rep, err := s.Ledger(ctx, settle)
	if err != nil {
		tr.LedgerNote = "the ledger check could not run: " + err.Error()
		o.Say("  ⇒ %s", tr.LedgerNote)
		return
	}
	tr.Ledger = &rep
	o.Say("  ⇒ %s", rep.Verdict())
}

// printLedgers writes a line per mode with its ledger check, then every
// breach.
func printLedgers(w io.Writer, r Result) {
	for _, t := range r.Targets {
		switch {
		case t.LedgerNote != "":
			fmt.Fprintf(w, "%s: %s\n", t.Name, t.LedgerNote)
		case t.Ledger != nil:
			t.Ledger.Write(w)
		}
	}
}
