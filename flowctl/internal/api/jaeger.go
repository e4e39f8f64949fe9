package api

import (
	"context"
	"errors"
	"net/http"
	"net/url"
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

// otlpTrace is the part of GET /api/v3/traces/{id} flowctl reads:
// result.resourceSpans[].resource.attributes[] and .scopeSpans[].spans[].
type otlpTrace struct {
	Result struct {
		ResourceSpans []struct {
			Resource struct {
				Attributes []struct {
					Key   string `json:"key"`
					Value struct {
						StringValue string `json:"stringValue"`
					} `json:"value"`
				} `json:"attributes"`
			} `json:"resource"`
			ScopeSpans []struct {
				Spans []struct {
					SpanID string `json:"spanId"`
				} `json:"spans"`
			} `json:"scopeSpans"`
		} `json:"resourceSpans"`
	} `json:"result"`
}

// Trace summarises one trace: how many spans, from which services.
func (j *Jaeger) Trace(ctx context.Context, id string) (TraceSummary, error) {
	var t otlpTrace
	_, err := j.c.do(ctx, http.MethodGet, "/api/v3/traces/"+url.PathEscape(id), nil, &t)
	if pe, ok := errors.AsType[*ProblemError](err); ok && pe.Status == http.StatusNotFound {
		return TraceSummary{}, ErrTraceNotFound
	}
	if err != nil {
		return TraceSummary{}, err
	}
	var s TraceSummary
	for _, rs := range t.Result.ResourceSpans {
		for _, a := range rs.Resource.Attributes {
			if a.Key == "service.name" && a.Value.StringValue != "" && !slices.Contains(s.Services, a.Value.StringValue) {
				s.Services = append(s.Services, a.Value.StringValue)
			}
		}
		for _, ss := range rs.ScopeSpans {
			s.Spans += len(ss.Spans)
		}
	}
	slices.Sort(s.Services)
	if s.Spans == 0 {
		return s, ErrTraceNotFound
	}
	return s, nil
}

// IsServerError says a call failed on the server's side (a 5xx answer).
// Jaeger's query handler has been seen to answer a search with 500 once in a
// while (a recovered panic in its log) and the same search a moment later
// succeeds, so callers that poll Jaeger anyway treat it as "not yet".
func IsServerError(err error) bool {
	pe, ok := errors.AsType[*ProblemError](err)
	return ok && pe.Status >= 500
}
