package investigate

import (
	"strings"
	"time"

	"github.com/orderflow/flowctl/internal/api"
)

// Retry is one step of the order that failed and was tried again: the
// outbox relay publishing an event while the broker was down, a consumer
// handling a message again. Attempts of one step are spans of one service
// with one name about one message (or under one parent).
type Retry struct {
	Service string `json:"service"`
	Step    string `json:"step"`
	// Failed counts the attempts that ended in error; Attempts are they.
	Failed   int           `json:"failed"`
	Attempts []api.SpanRef `json:"attempts"`
	// Error is what the failed attempts said, identical ones once with a
	// count ("dial tcp …: connection refused ×22").
	Error string `json:"error"`
	// Succeeded is the later attempt that worked, nil if none did.
	Succeeded   *api.SpanRef `json:"succeeded,omitempty"`
	SucceededAt time.Time    `json:"succeeded_at,omitzero"`
}

// stepKey names the step a span is an attempt of.
func stepKey(s api.Span) string {
	about := s.Attrs["messaging.message.id"]
	if about == "" {
		about = s.TraceID + "/" + s.ParentID
	}
	// An HTTP client span is named by its method only: the URL tells calls apart.
	return s.Service + "\x00" + s.Kind + "\x00" + s.Name + "\x00" + s.Attrs["url.full"] + "\x00" + about
}

// Retries groups the failed attempts of each step of spans (sorted by
// start) and says whether a later attempt succeeded. A step that failed
// once and was not tried again is no retry: failure() speaks of it.
func Retries(spans []api.Span) []Retry {
	var out []Retry
	at := map[string]int{} // step → index in out
	for _, s := range spans {
		k := stepKey(s)
		i, seen := at[k]
		if s.Error && (!seen || out[i].Succeeded == nil) {
			if !seen {
				at[k], i = len(out), len(out)
				out = append(out, Retry{Service: ShortService(s.Service), Step: s.Name})
			}
			out[i].Failed++
			out[i].Attempts = append(out[i].Attempts, s.Ref())
			continue
		}
		if seen && !s.Error && out[i].Succeeded == nil {
			ref := s.Ref()
			out[i].Succeeded, out[i].SucceededAt = &ref, s.End
		}
	}
	for i := range out {
		if out[i].Succeeded == nil {
			out[i].Succeeded, out[i].SucceededAt = waitedFor(out[i].Attempts, spans)
		}
	}
	kept := out[:0]
	for _, r := range out {
		if r.Failed > 1 || r.Succeeded != nil {
			kept = append(kept, r)
		}
	}
	for i := range kept {
		kept[i].Error = collapsedErrors(kept[i].Attempts, spans)
	}
	return kept
}

// waitedFor is, for attempts that say they are one (orderflow.attempt: a
// consumer's "retry <topic>" spans, platform/consume.Retry), the span that
// held them as its children and ended without error after the last of
// them: the "process" span stays open until the event is handled, so it
// ending well is the success. Any other failed child of a span that ended
// well (a sync call answered 409) is no retry.
func waitedFor(attempts []api.SpanRef, spans []api.Span) (*api.SpanRef, time.Time) {
	byRef := make(map[api.SpanRef]api.Span, len(spans))
	for _, s := range spans {
		byRef[s.Ref()] = s
	}
	var parent api.SpanRef
	var lastEnd time.Time
	for i, a := range attempts {
		s := byRef[a]
		ref := api.SpanRef{TraceID: s.TraceID, SpanID: s.ParentID}
		if s.ParentID == "" || s.Attrs[AttrAttempt] == "" || (i > 0 && ref != parent) {
			return nil, time.Time{}
		}
		parent = ref
		if s.End.After(lastEnd) {
			lastEnd = s.End
		}
	}
	p, ok := byRef[parent]
	if !ok || p.Error || p.End.Before(lastEnd) {
		return nil, time.Time{}
	}
	return &parent, p.End
}

// retriedAway are the failed attempts a later attempt of the same step
// made good: they did not end the order's path.
func retriedAway(spans []api.Span) map[api.SpanRef]bool {
	away := map[api.SpanRef]bool{}
	for _, r := range Retries(spans) {
		if r.Succeeded == nil {
			continue
		}
		for _, a := range r.Attempts {
			away[a] = true
		}
	}
	return away
}

// collapsedErrors is what the attempts said, each distinct reason once, in
// order of first appearance, with a count where it repeats.
func collapsedErrors(attempts []api.SpanRef, spans []api.Span) string {
	byRef := make(map[api.SpanRef]api.Span, len(spans))
	for _, s := range spans {
		byRef[s.Ref()] = s
	}
	var reasons []string
	for _, a := range attempts {
		reasons = append(reasons, CollapseRepeats(spanReason(byRef[a])))
	}
	return countedList(reasons, "; ")
}

// countedList joins items, each distinct one once with "×n" where it
// occurs n > 1 times, in order of first appearance.
func countedList(items []string, sep string) string {
	var order []string
	count := map[string]int{}
	for _, it := range items {
		if count[it] == 0 {
			order = append(order, it)
		}
		count[it]++
	}
	out := make([]string, len(order))
	for i, it := range order {
		out[i] = it
		if n := count[it]; n > 1 {
			out[i] += " ×" + itoa(n)
		}
	}
	return strings.Join(out, sep)
}
