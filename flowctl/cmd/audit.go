package cmd

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/orderflow/flowctl/internal/audit"
)

const auditLong = `audit is the ledger check: from the services' own APIs it reads every order,
reservation and invoice, the stock ledger and the credit of every customer, and
checks that they agree — a CONFIRMED order holds exactly one reservation and one
charged (ISSUED) invoice; a REJECTED, FAILED or CANCELLED one holds neither; each
customer's charged credit is the sum of its ISSUED invoices; each SKU's stock
matches its movements and held reservations; no order is older than its deadline
and not final; nothing is held or charged for an order order-svc does not have.
It prints what it checked and every breach, and exits non-zero on a breach.
It starts nothing; run it on a stack that is up.

Events mode compensates asynchronously: right after a run, use --settle to
re-check until the ledger agrees or the time is up.

  flowctl audit --mode all --settle 10s     the three stacks`

type auditFlags struct {
	mode   string
	settle time.Duration
	asJSON bool
	wait   bool
}

func newAuditCmd(g *globals) *cobra.Command {
	f := &auditFlags{}
	c := &cobra.Command{
		Use:   "audit --mode sync|events|events-orchestration|both|all [--settle D] [--json]",
		Short: "Check that orders, stock, invoices and credit agree across the services (the ledger check)",
		Long:  auditLong,
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runAudit(c, g, f)
		},
	}
	c.Flags().StringVar(&f.mode, "mode", "", "sync, events, events-orchestration, both (sync and events) or all (required)")
	c.Flags().DurationVar(&f.settle, "settle", 0, "re-check until no breach or this much time has passed (0: check once)")
	c.Flags().BoolVar(&f.asJSON, "json", false, "print the reports as JSON")
	c.Flags().BoolVar(&f.wait, "wait", false, "with --settle: "+waitUsage)
	return c
}

func runAudit(c *cobra.Command, g *globals, f *auditFlags) error {
	modes, err := parseModes(f.mode)
	if err != nil {
		return err // it names --mode and what to use
	}
	if f.settle < 0 {
		return fmt.Errorf("--settle %s: use 0 (check once) or a positive duration such as 10s", f.settle)
	}
	if f.settle > 0 { // a settle waits on the stack: another run would move the ledger under it
		lease, err := g.hold(c, modes, f.wait)
		if err != nil {
			return err
		}
		defer lease.Release()
	}
	reps, err := audit.OnStacks(c.Context(), g.stacks, modes, audit.Options{Settle: f.settle})
	if err != nil {
		return err
	}
	if f.asJSON {
		if err := printJSON(g.env.Stdout, reps); err != nil {
			return err
		}
	} else {
		audit.Print(g.env.Stdout, reps)
	}
	return audit.Breached(reps)
}
