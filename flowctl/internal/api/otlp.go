package api

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Jaeger's /api/v3 answers are OTLP JSON; these types read just what
// flowctl shows, and flatten it into Spans.

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
