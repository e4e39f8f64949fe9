package audit

import (
	"context"
	"fmt"
	"io"

	"github.com/orderflow/flowctl/internal/explain"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// OnStacks is `flowctl audit`: the check of each mode's stack where s says
// it runs (it starts nothing), in the order of modes.
func OnStacks(ctx context.Context, s *stack.Stacks, modes []stackmode.Mode, o Options) ([]Report, error) {
	var reps []Report
	for _, m := range modes {
		mo := o
		mo.Mode = m
		rep, err := Check(ctx, ClientsAt(s.URLs(m)), mo)
		if err != nil {
			return reps, explain.Interrupted(ctx, explain.Unreachable(err, fmt.Sprintf("the %s stack", m), string(m)))
		}
		reps = append(reps, rep)
	}
	return reps, nil
}

// Print shows each report: what was checked, the verdict and every breach.
func Print(w io.Writer, reps []Report) {
	for _, r := range reps {
		fmt.Fprintln(w, r.Summary())
		fmt.Fprintln(w, r.Verdict())
		for _, l := range r.Lines() {
			fmt.Fprintln(w, "  "+l)
		}
	}
}

// Breached is an error naming the stacks whose ledger does not agree, nil
// when every one agrees: the command's exit status.
func Breached(reps []Report) error {
	n, where := 0, ""
	for _, r := range reps {
		if !r.OK() {
			n += len(r.Breaches)
			if where != "" {
				where += " and "
			}
			where += r.Mode
		}
	}
	if n == 0 {
		return nil
	}
	return fmt.Errorf("the ledger check found %d breach(es) on the %s stack: each is listed above; `flowctl order watch --mode M ID` and `flowctl dlq list --mode M` (an events stack) show why", n, where)
}
