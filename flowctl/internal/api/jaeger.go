package api

import (
	"context"
	"errors"
	"net/http"
	"slices"
)

// Jaeger is a client of Jaeger's query API v3 (/api/v3), whose answers are
// OTLP-shaped JSON.
type Jaeger struct{ c client }

// NewJaeger returns a client of the Jaeger query service at base (e.g.
// http://127.0.0.1:16686).
func NewJaeger(base string, hc *http.Client) *Jaeger { return &Jaeger{newClient(base, hc)} }

// TraceURL is the trace's page in the Jaeger UI.
func (j *Jaeger) TraceURL(id string) string { return j.c.base + "/trace/" + id }

// TraceAPIURL is the trace's JSON in the query API.
func (j *Jaeger) TraceAPIURL(id string) string { return j.c.base + "/api/v3/traces/" + id }

// TraceSummary is what the demo shows of a trace.
type TraceSummary struct {
	Spans    int      `json:"spans"`
	Services []string `json:"services"` // service.name of each resource, sorted
}

// ErrTraceNotFound says Jaeger has no span of the trace (yet).
var ErrTraceNotFound = errors.New("trace not found")

// Trace summarises one trace: how many spans, from which services.
func (j *Jaeger) Trace(ctx context.Context, id string) (TraceSummary, error) {
	t, err := j.GetTrace(ctx, id)
	if err != nil {
		return TraceSummary{}, err
	}
	s := TraceSummary{Spans: len(t.Spans)}
	for _, sp := range t.Spans {
		if sp.Service != "" && !slices.Contains(s.Services, sp.Service) {
			s.Services = append(s.Services, sp.Service)
		}
	}
	slices.Sort(s.Services)
	return s, nil
}

// IsServerError says a call failed on the server's side (a 5xx answer).
// The Jaeger client retries those itself (see getOTLP); callers that poll
// Jaeger anyway treat one that persists as "not yet".
func IsServerError(err error) bool {
	pe, ok := errors.AsType[*ProblemError](err)
	return ok && pe.Status >= 500
}
