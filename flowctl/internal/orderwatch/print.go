package orderwatch

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/report"
	"github.com/orderflow/flowctl/internal/stats"
)

// printer prints a watched order's steps as text or as Events, each once.
type printer struct {
	w    io.Writer
	enc  *json.Encoder
	id   string
	json bool
	seen int // steps printed so far
}

// steps prints the steps of o's timeline not printed yet and, once o is
// final, how it ended.
func (p *printer) steps(o api.Order) error {
	for _, s := range o.Timeline[min(p.seen, len(o.Timeline)):] {
		final := o.Final && s.Step == o.Timeline[len(o.Timeline)-1].Step
		if p.json {
			if err := p.enc.Encode(Event{OrderID: p.id, Step: string(s.Step), Status: string(o.Status), AfterMS: s.AfterMS, Final: final}); err != nil {
				return err
			}
		} else {
			fmt.Fprintf(p.w, "  %-8s %-10s %s\n", report.After(s.AfterMS), s.Step, o.Status)
		}
	}
	p.seen = len(o.Timeline)
	if o.Final && !p.json {
		took := "–"
		if o.TimeToFinalMS != nil {
			took = stats.Ms(*o.TimeToFinalMS)
		}
		fmt.Fprintf(p.w, "final: %s after %s", o.Status, took)
		if o.Reason != "" {
			fmt.Fprintf(p.w, " — %s", o.Reason)
		}
		fmt.Fprintln(p.w)
	}
	return nil
}

// unanswered says order-svc did not answer (text only).
func (p *printer) unanswered(err error) {
	if !p.json {
		fmt.Fprintf(p.w, "  (order-svc does not answer: %v)\n", err)
	}
}
