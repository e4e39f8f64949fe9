package report

import (
	"fmt"
	"github.com/orderflow/flowctl/internal/termsafe"
	"time"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/investigate"
	"github.com/orderflow/flowctl/internal/stats"
)

// retryRows indexes the investigation's retries: each step's first failed
// attempt stands for all of them (the others are folded away), so a relay
// that tried 22 times is one line, not 22.
type retryRows struct {
	first  map[api.SpanRef]investigate.Retry
	folded map[api.SpanRef]bool
}

func newRetryRows(rs []investigate.Retry) retryRows {
	rr := retryRows{first: map[api.SpanRef]investigate.Retry{}, folded: map[api.SpanRef]bool{}}
	for _, r := range rs {
		if len(r.Attempts) == 0 {
			continue
		}
		rr.first[r.Attempts[0]] = r
		for _, a := range r.Attempts[1:] {
			rr.folded[a] = true
		}
	}
	return rr
}

// without drops the folded attempts from rows.
func (rr retryRows) without(rows []waterfallRow) []waterfallRow {
	kept := rows[:0]
	for _, r := range rows {
		if !rr.folded[r.span.Ref()] {
			kept = append(kept, r)
		}
	}
	return kept
}

// note is what the first attempt's line says of its step: "✗ retried ×22,
// succeeded at +4.0s: …" or, when no attempt worked, "✗ failed ×3: …".
func (wf waterfall) retryNote(r investigate.Retry) string {
	if r.Succeeded != nil {
		return fmt.Sprintf("✗ retried ×%d, succeeded at %s: %s", r.Failed, After(ms(r.SucceededAt.Sub(wf.t0))), termsafe.String(r.Error))
	}
	return fmt.Sprintf("✗ failed ×%d: %s", r.Failed, termsafe.String(r.Error))
}

// retriesSummary is one closing line per retried step.
func (wf waterfall) retriesSummary() []string {
	var out []string
	for _, r := range wf.inv.Retries {
		line := fmt.Sprintf("retried: %s %s, %s", termsafe.String(r.Service), termsafe.String(r.Step), plural(r.Failed, "failed attempt"))
		if r.Succeeded != nil {
			line += fmt.Sprintf(", succeeded at %s (%s after the first)", After(ms(r.SucceededAt.Sub(wf.t0))),
				stats.Ms(ms(r.SucceededAt.Sub(wf.firstAttempt(r)))))
		} else {
			line += ", none succeeded"
		}
		out = append(out, line)
	}
	return out
}

func (wf waterfall) firstAttempt(r investigate.Retry) time.Time {
	for _, s := range wf.inv.AllSpans {
		if s.Ref() == r.Attempts[0] {
			return s.Start
		}
	}
	return wf.t0
}
