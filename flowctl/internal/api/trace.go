package api

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
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

// otlpDocument is Jaeger's GRPCGatewayWrapper around OTLP TracesData. A
// search answers all matching traces in one document, each trace's resources
// after the other's, so spans are grouped by their traceId.
type otlpDocument struct {
	Result struct {
		ResourceSpans []struct {
			Resource struct {
				Attributes []otlpKeyValue `json:"attributes"`
			} `json:"resource"`
			ScopeSpans []struct {
				Spans []otlpSpan `json:"spans"`
			} `json:"scopeSpans"`
		} `json:"resourceSpans"`
	} `json:"result"`
}

type otlpSpan struct {
	TraceID           string          `json:"traceId"`
	SpanID            string          `json:"spanId"`
	ParentSpanID      string          `json:"parentSpanId"`
	Name              string          `json:"name"`
	Kind              json.RawMessage `json:"kind"`
	StartTimeUnixNano json.RawMessage `json:"startTimeUnixNano"`
	EndTimeUnixNano   json.RawMessage `json:"endTimeUnixNano"`
	Attributes        []otlpKeyValue  `json:"attributes"`
	Events            []struct {
		TimeUnixNano json.RawMessage `json:"timeUnixNano"`
		Name         string          `json:"name"`
		Attributes   []otlpKeyValue  `json:"attributes"`
	} `json:"events"`
	Links []struct {
		TraceID string `json:"traceId"`
		SpanID  string `json:"spanId"`
	} `json:"links"`
	Status struct {
		Code    json.RawMessage `json:"code"`
		Message string          `json:"message"`
	} `json:"status"`
}

type otlpKeyValue struct {
	Key   string       `json:"key"`
	Value otlpAnyValue `json:"value"`
}

// otlpAnyValue is OTLP's AnyValue. In OTLP JSON, 64-bit integers are strings.
type otlpAnyValue struct {
	StringValue *string         `json:"stringValue"`
	IntValue    json.RawMessage `json:"intValue"`
	BoolValue   *bool           `json:"boolValue"`
	DoubleValue *float64        `json:"doubleValue"`
	BytesValue  *string         `json:"bytesValue"`
	ArrayValue  *struct {
		Values []otlpAnyValue `json:"values"`
	} `json:"arrayValue"`
	KvlistValue *struct {
		Values []otlpKeyValue `json:"values"`
	} `json:"kvlistValue"`
}

// String renders any value as text; arrays and maps in a JSON-like form.
func (v otlpAnyValue) String() string {
	switch {
	case v.StringValue != nil:
		return *v.StringValue
	case v.IntValue != nil:
		return strings.Trim(string(v.IntValue), `"`)
	case v.BoolValue != nil:
		return strconv.FormatBool(*v.BoolValue)
	case v.DoubleValue != nil:
		return strconv.FormatFloat(*v.DoubleValue, 'g', -1, 64)
	case v.BytesValue != nil:
		return *v.BytesValue // base64, as OTLP JSON carries it
	case v.ArrayValue != nil:
		parts := make([]string, 0, len(v.ArrayValue.Values))
		for _, e := range v.ArrayValue.Values {
			parts = append(parts, e.String())
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case v.KvlistValue != nil:
		parts := make([]string, 0, len(v.KvlistValue.Values))
		for _, kv := range v.KvlistValue.Values {
			parts = append(parts, kv.Key+"="+kv.Value.String())
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return ""
}

func attrMap(kvs []otlpKeyValue) map[string]string {
	if len(kvs) == 0 {
		return nil
	}
	m := make(map[string]string, len(kvs))
	for _, kv := range kvs {
		m[kv.Key] = kv.Value.String()
	}
	return m
}

// traces flattens the document into traces, each sorted by span start, the
// traces by their first span.
func (d otlpDocument) traces() ([]FullTrace, error) {
	byID := map[string]*FullTrace{}
	var order []string
	for _, rs := range d.Result.ResourceSpans {
		service := attrMap(rs.Resource.Attributes)["service.name"]
		for _, ss := range rs.ScopeSpans {
			for _, ot := range ss.Spans {
				s, err := ot.span(service)
				if err != nil {
					return nil, err
				}
				t, ok := byID[s.TraceID]
				if !ok {
					t = &FullTrace{ID: s.TraceID}
					byID[s.TraceID] = t
					order = append(order, s.TraceID)
				}
				t.Spans = append(t.Spans, s)
			}
		}
	}
	out := make([]FullTrace, 0, len(order))
	for _, id := range order {
		t := byID[id]
		SortSpans(t.Spans)
		out = append(out, *t)
	}
	slices.SortStableFunc(out, func(a, b FullTrace) int { return a.Start().Compare(b.Start()) })
	return out, nil
}

// SortSpans orders spans by start time; ties (same clock reading) by trace
// and span id, so the order never depends on how Jaeger grouped them.
func SortSpans(spans []Span) {
	slices.SortStableFunc(spans, func(a, b Span) int {
		return cmp.Or(a.Start.Compare(b.Start), strings.Compare(a.TraceID, b.TraceID), strings.Compare(a.SpanID, b.SpanID))
	})
}

func (ot otlpSpan) span(service string) (Span, error) {
	s := Span{
		TraceID:       strings.ToLower(ot.TraceID),
		SpanID:        strings.ToLower(ot.SpanID),
		ParentID:      strings.ToLower(ot.ParentSpanID),
		Name:          ot.Name,
		Service:       service,
		Kind:          spanKind(ot.Kind),
		Attrs:         attrMap(ot.Attributes),
		Error:         statusIsError(ot.Status.Code),
		StatusMessage: ot.Status.Message,
	}
	var err error
	if s.Start, err = unixNano(ot.StartTimeUnixNano); err != nil {
		return Span{}, fmt.Errorf("span %s: startTimeUnixNano: %w", ot.SpanID, err)
	}
	if s.End, err = unixNano(ot.EndTimeUnixNano); err != nil {
		return Span{}, fmt.Errorf("span %s: endTimeUnixNano: %w", ot.SpanID, err)
	}
	for _, l := range ot.Links {
		if l.TraceID == "" || l.SpanID == "" {
			continue // an empty link (Jaeger's adjusters would drop it; raw traces keep it)
		}
		s.Links = append(s.Links, SpanRef{TraceID: strings.ToLower(l.TraceID), SpanID: strings.ToLower(l.SpanID)})
	}
	for _, e := range ot.Events {
		at, err := unixNano(e.TimeUnixNano)
		if err != nil {
			return Span{}, fmt.Errorf("span %s: event %q: %w", ot.SpanID, e.Name, err)
		}
		s.Events = append(s.Events, SpanEvent{Name: e.Name, Time: at, Attrs: attrMap(e.Attributes)})
	}
	return s, nil
}

// unixNano reads OTLP JSON's nanoseconds: a decimal string, or a number from
// encoders that do not follow the spec.
func unixNano(raw json.RawMessage) (time.Time, error) {
	s := strings.Trim(string(raw), `"`)
	if s == "" || s == "null" {
		return time.Time{}, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, errors.New("not a decimal number of nanoseconds: " + s)
	}
	return time.Unix(0, n).UTC(), nil
}

// spanKind maps OTLP's SpanKind, an integer in Jaeger's answers (the enum's
// name from other encoders), to a short word. Unspecified counts as internal,
// as the OpenTelemetry spec says.
func spanKind(raw json.RawMessage) string {
	switch strings.Trim(string(raw), `"`) {
	case "2", "SPAN_KIND_SERVER":
		return "server"
	case "3", "SPAN_KIND_CLIENT":
		return "client"
	case "4", "SPAN_KIND_PRODUCER":
		return "producer"
	case "5", "SPAN_KIND_CONSUMER":
		return "consumer"
	}
	return "internal"
}

// statusIsError says whether an OTLP status code is STATUS_CODE_ERROR (2).
func statusIsError(raw json.RawMessage) bool {
	switch strings.Trim(string(raw), `"`) {
	case "2", "STATUS_CODE_ERROR":
		return true
	}
	return false
}
