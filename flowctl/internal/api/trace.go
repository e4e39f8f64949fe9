package api

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/orderflow/platform/problem"
	"github.com/orderflow/platform/retry"
)

// SpanRef points at a span, e.g. the producer span a consumer span links to.
type SpanRef struct {
	TraceID string `json:"trace_id"`
	SpanID  string `json:"span_id"`
}

// SpanEvent is an event recorded on a span (e.g. "exception").
type SpanEvent struct {
	Name  string            `json:"name"`
	Time  time.Time         `json:"time"`
	Attrs map[string]string `json:"attrs,omitempty"`
}

// Span is one span of a trace, flattened from OTLP JSON: the service that
// recorded it comes from its resource, attribute values are strings.
type Span struct {
	TraceID  string `json:"trace_id"`
	SpanID   string `json:"span_id"`
	ParentID string `json:"parent_id,omitempty"`
	Name     string `json:"name"`
	Service  string `json:"service"`
	// Kind is server, client, producer, consumer or internal.
	Kind          string            `json:"kind"`
	Start         time.Time         `json:"start"`
	End           time.Time         `json:"end"`
	Attrs         map[string]string `json:"attrs,omitempty"`
	Links         []SpanRef         `json:"links,omitempty"`
	Error         bool              `json:"error,omitempty"`
	StatusMessage string            `json:"status_message,omitempty"`
	Events        []SpanEvent       `json:"events,omitempty"`
}

// Duration is how long the span took.
func (s Span) Duration() time.Duration { return s.End.Sub(s.Start) }

// Ref is the span's own reference.
func (s Span) Ref() SpanRef { return SpanRef{TraceID: s.TraceID, SpanID: s.SpanID} }

// FullTrace is every span Jaeger holds of one trace, sorted by start time.
type FullTrace struct {
	ID    string `json:"id"`
	Spans []Span `json:"spans"`
}

// Start is when the trace's first span started (zero without spans).
func (t FullTrace) Start() time.Time {
	if len(t.Spans) == 0 {
		return time.Time{}
	}
	return t.Spans[0].Start
}

// GetTrace fetches one trace with all its spans. It returns ErrTraceNotFound
// when Jaeger has no span of it (yet): spans reach Jaeger only after the
// services' exporters flushed them.
func (j *Jaeger) GetTrace(ctx context.Context, id string) (FullTrace, error) {
	var doc otlpDocument
	found, err := j.getOTLP(ctx, "/api/v3/traces/"+url.PathEscape(id)+"?raw_traces="+rawTraces, &doc)
	if err != nil {
		return FullTrace{}, fmt.Errorf("get trace %s: %w", id, err)
	}
	if !found {
		return FullTrace{}, fmt.Errorf("trace %s: %w", id, ErrTraceNotFound)
	}
	traces, err := doc.traces()
	if err != nil {
		return FullTrace{}, fmt.Errorf("trace %s: %w", id, err)
	}
	for _, t := range traces {
		if strings.EqualFold(t.ID, id) {
			return t, nil
		}
	}
	return FullTrace{}, fmt.Errorf("trace %s: %w", id, ErrTraceNotFound)
}

// FindTraces returns up to limit traces that hold a span of service starting
// between from and to, each with all its spans, oldest first. No match is no
// error: Jaeger answers 404 "No traces found" then, which becomes nil.
//
// Jaeger's HTTP API v3 cannot search by attribute (its gateway ignores
// query.attributes), so callers filter the spans themselves.
func (j *Jaeger) FindTraces(ctx context.Context, service string, from, to time.Time, limit int) ([]FullTrace, error) {
	q := url.Values{}
	q.Set("query.service_name", service)
	// The gateway parses both bounds with time.RFC3339Nano and requires them.
	q.Set("query.start_time_min", from.UTC().Format(time.RFC3339Nano))
	q.Set("query.start_time_max", to.UTC().Format(time.RFC3339Nano))
	if limit > 0 {
		q.Set("query.num_traces", strconv.Itoa(limit))
	}
	q.Set("query.raw_traces", rawTraces)
	var doc otlpDocument
	found, err := j.getOTLP(ctx, "/api/v3/traces?"+q.Encode(), &doc)
	if err != nil {
		return nil, fmt.Errorf("find traces of %s: %w", service, err)
	}
	if !found {
		return nil, nil
	}
	traces, err := doc.traces()
	if err != nil {
		return nil, fmt.Errorf("find traces of %s: %w", service, err)
	}
	return traces, nil
}

// Services lists the service names Jaeger has spans of, sorted.
func (j *Jaeger) Services(ctx context.Context) ([]string, error) {
	var out struct {
		Services []string `json:"services"`
	}
	// Jaeger sends this JSON as text/plain; c.do decodes 2xx bodies regardless.
	if _, err := j.c.do(ctx, http.MethodGet, "/api/v3/services", nil, &out); err != nil {
		return nil, fmt.Errorf("list Jaeger services: %w", err)
	}
	slices.Sort(out.Services)
	return out.Services, nil
}

// maxOTLPBody bounds one answer of Jaeger. A search returns whole traces of
// every match, far more than the 4 MiB client.do accepts for the services'
// small answers.
const maxOTLPBody = 64 << 20

// rawTraces is the value of the raw_traces parameter every read sends: spans
// as stored, without Jaeger's query-time adjusters. They rewrite a trace in
// place, and the in-memory store hands out the very traces it holds, not
// copies (jaeger#7986): two queries adjusting one trace at once, or one
// adjusting a trace the collector is appending spans to, can panic, which
// Jaeger answers with an empty 500 (seen in CI). Raw spans are also what
// flowctl measures: the clock-skew adjuster would move timestamps.
const rawTraces = "true"

// otlpRetries is how often getOTLP retries a 5xx answer. A read can still
// race the collector appending spans to the same trace; the same GET a moment
// later succeeds.
const otlpRetries = 4

// getOTLP GETs path and decodes the JSON answer into out. found is false on
// 404, which Jaeger answers both for an unknown trace id and for a search
// without results. A 5xx is retried with a short backoff (50 ms doubling).
func (j *Jaeger) getOTLP(ctx context.Context, path string, out any) (found bool, err error) {
	err = retry.Do(ctx, retry.Backoff{First: 50 * time.Millisecond, Max: time.Second}, otlpRetries+1, IsServerError, func() error {
		found, err = j.getOTLPOnce(ctx, path, out)
		return err
	})
	return found, err
}

func (j *Jaeger) getOTLPOnce(ctx context.Context, path string, out any) (found bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, j.c.base+path, nil)
	if err != nil {
		return false, err
	}
	req.Header.Set("Accept", "application/json, "+problem.ContentType)
	resp, err := j.c.hc.Do(req)
	if err != nil {
		return false, err // a *url.Error names the method and URL
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return false, nil
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxOTLPBody+1))
	if err != nil {
		return false, fmt.Errorf("read answer: %w", err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return false, decodeProblem(http.MethodGet, path, resp, b)
	}
	if len(b) > maxOTLPBody {
		return false, fmt.Errorf("answer larger than %d MiB: narrow the time window", maxOTLPBody>>20)
	}
	if err := json.Unmarshal(b, out); err != nil {
		return false, fmt.Errorf("decode answer: %w", err)
	}
	return true, nil
}
