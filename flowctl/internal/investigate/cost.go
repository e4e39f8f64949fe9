package investigate

import (
	"slices"
	"strings"

	"github.com/orderflow/flowctl/internal/api"
)

// Cost is what an investigation did in Jaeger: it stops as soon as the spans
// in hand explain the order, so the counts are the work, not a formula.
type Cost struct {
	// Searches are the service searches issued (one per service, in turn).
	Searches int `json:"searches"`
	// TracesOpened are the traces of the order read: the stored one, and each
	// search result that holds a span of the order.
	TracesOpened int `json:"traces_opened"`
	// SpansRead are the spans of the traces opened.
	SpansRead int `json:"spans_read"`
}

// Lookups are the queries a person makes: every search and every trace opened.
func (c Cost) Lookups() int { return c.Searches + c.TracesOpened }

// explained says the spans in hand answer the investigator's question: a
// failing span that is not a client span (a client span's error only says the
// callee failed: its own span holds the why) nor the consumer of a rejection,
// or, with no failure in sight,
// spans from every searched service (the whole story of a healthy order).
func explained(found map[string]api.FullTrace, services []string) bool {
	var spans []api.Span
	for _, t := range found {
		spans = append(spans, t.Spans...)
	}
	if len(spans) == 0 {
		return false
	}
	api.SortSpans(spans)
	if f := failure(spans); f != nil {
		// A consumer of a rejection only passes it on: the producer decided.
		passedOn := f.Kind == "consumer" && strings.HasSuffix(f.Attrs[AttrEventType], "Rejected")
		return f.Kind != "client" && !passedOn
	}
	for _, svc := range services {
		if !slices.ContainsFunc(spans, func(s api.Span) bool { return s.Service == svc }) {
			return false
		}
	}
	return true
}
