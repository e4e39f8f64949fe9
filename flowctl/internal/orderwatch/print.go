package orderwatch

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/report"
	"github.com/orderflow/flowctl/internal/stats"

	"github.com/orderflow/flowctl/internal/termsafe"
)

// printer prints a watched order's steps as text or as Events, each once.
type printer struct {
	w    io.Writer
	enc  *json.Encoder
	id   string
	json bool
	// seen are the steps printed so far, by name: a step that arrives late
	// may sort before the last one printed (each step happens once).
	seen map[api.StepName]bool
	// ended: the final status was said; awaiting: the compensations it
	// still waited for were said.
	ended, awaiting bool
}

// steps prints the steps of o's timeline not printed yet and, once o is
// final, how it ended and which compensations are still to come.
func (p *printer) steps(o api.Order) error {
	if p.seen == nil {
		p.seen = map[api.StepName]bool{}
	}
	for i, s := range o.Timeline {
		if p.seen[s.Step] {
			continue
		}
		p.seen[s.Step] = true
		final := o.Final && i == len(o.Timeline)-1
		if p.json {
			ev := Event{OrderID: p.id, Step: string(s.Step), Status: string(o.Status), AfterMS: s.AfterMS, Final: final}
			if final {
				ev.Reason = o.Reason
			}
			if err := p.enc.Encode(ev); err != nil {
				return err
			}
		} else {
			fmt.Fprintf(p.w, "  %-8s %-10s %s\n", report.After(s.AfterMS), termsafe.String(s.Step), termsafe.String(o.Status))
		}
	}
	if !o.Final || p.json {
		return nil
	}
	if !p.ended {
		p.ended = true
		took := "–"
		if o.TimeToFinalMS != nil {
			took = stats.Ms(*o.TimeToFinalMS)
		}
		fmt.Fprintf(p.w, "final: %s after %s", termsafe.String(o.Status), took)
		if o.Reason != "" {
			fmt.Fprintf(p.w, " — %s", termsafe.String(o.Reason))
		}
		fmt.Fprintln(p.w)
	}
	if awaited := api.AwaitedCompensations(o); len(awaited) > 0 && !p.awaiting {
		p.awaiting = true
		fmt.Fprintf(p.w, "waiting for %s: what it holds is still to be undone\n", strings.Join(awaited, " and "))
	}
	return nil
}

// unanswered says order-svc did not answer (text only).
func (p *printer) unanswered(err error) {
	if !p.json {
		fmt.Fprintf(p.w, "  (order-svc does not answer: %v)\n", err)
	}
}
