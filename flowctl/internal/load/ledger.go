package load

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/orderflow/flowctl/internal/audit"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// checkLedgers runs the ledger check (flowctl audit) on each stack once
// its load is followed to the end, settling for up to settle, and puts the
// report, or why the check could not run, in its result. urls are each
// stack's services, in the order of results.
func checkLedgers(ctx context.Context, results []StackResult, urls []map[string]string, settle time.Duration) {
	for i := range results {
		m := stackmode.Mode(results[i].Mode)
		rep, err := audit.Check(ctx, audit.ClientsAt(urls[i]), audit.Options{Mode: m, Settle: settle})
		if err != nil {
			results[i].LedgerError = err.Error()
			continue
		}
		results[i].Ledger = &rep
	}
}

// printLedgers writes a line per stack with the ledger check's verdict and
// what it checked, then every breach.
func printLedgers(w io.Writer, rs []StackResult) {
	for _, r := range rs {
		switch {
		case r.LedgerError != "":
			fmt.Fprintf(w, "%s: the ledger check could not run: %s\n", r.Mode, r.LedgerError)
		case r.Ledger != nil:
			r.Ledger.Write(w)
		}
	}
}
