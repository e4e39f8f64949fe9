package report

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

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
		return fmt.Sprintf("✗ retried ×%d, succeeded at %s: %s", r.Failed, After(ms(r.SucceededAt.Sub(wf.t0))), Printable(r.Error))
	}
	return fmt.Sprintf("✗ failed ×%d: %s", r.Failed, Printable(r.Error))
}

// retriesSummary is one closing line per retried step.
func (wf waterfall) retriesSummary() []string {
	var out []string
	for _, r := range wf.inv.Retries {
		line := fmt.Sprintf("retried: %s %s, %s", Printable(r.Service), Printable(r.Step), plural(r.Failed, "failed attempt"))
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

// Printable escapes what a span says before it reaches a terminal: control
// characters (an ESC clears the screen) and format-only ones (a right-to-left
// override reorders the line) become Go escapes, as strconv.Quote writes them.
// Lane H's shared escaper in flowctl is meant to replace this one.
func Printable(s string) string {
	if strings.IndexFunc(s, unsafeRune) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if unsafeRune(r) {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func unsafeRune(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
}
