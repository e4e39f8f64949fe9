package api

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// otlpBody is a search answer in the shape Jaeger's /api/v3 sends: two
// traces, their resources one after the other, every kind of attribute value.
const otlpBody = `{"result":{"resourceSpans":[
 {"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"order-svc.events"}}]},
  "scopeSpans":[{"scope":{"name":"x"},"spans":[
   {"traceId":"AA01","spanId":"0b","parentSpanId":"0a","name":"send orders.v1","kind":4,
    "startTimeUnixNano":"2000000","endTimeUnixNano":"5000000",
    "attributes":[{"key":"orderflow.order_id","value":{"stringValue":"o-1"}},{"key":"size","value":{"intValue":"353"}},
     {"key":"ok","value":{"boolValue":true}},{"key":"ratio","value":{"doubleValue":0.5}},
     {"key":"warnings","value":{"arrayValue":{"values":[{"stringValue":"a"},{"stringValue":"b"}]}}}],
    "status":{}},
   {"traceId":"aa01","spanId":"0a","name":"POST /orders","kind":2,"startTimeUnixNano":"1000000","endTimeUnixNano":"9000000","status":{}}]}]},
 {"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"inventory-svc.events"}}]},
  "scopeSpans":[{"spans":[
   {"traceId":"bb02","spanId":"0c","name":"process orders.v1","kind":"SPAN_KIND_CONSUMER",
    "startTimeUnixNano":"7000000","endTimeUnixNano":"8000000",
    "links":[{"traceId":"aa01","spanId":"0b"}],
    "events":[{"timeUnixNano":"7500000","name":"exception","attributes":[{"key":"exception.message","value":{"stringValue":"boom"}}]}],
    "status":{"code":2,"message":"dead-lettered"}}]}]}
]}}`

func TestFindTraces(t *testing.T) {
	srv, got := serve(t, 200, "text/plain; charset=utf-8", otlpBody)
	from := time.Date(2026, 11, 26, 3, 44, 14, 651000000, time.UTC)
	traces, err := NewJaeger(srv.URL, nil).FindTraces(context.Background(), "order-svc.events", from, from.Add(7*time.Second), 50)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.ParseRequestURI(strings.Fields(*got)[1])
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if u.Path != "/api/v3/traces" || q.Get("query.service_name") != "order-svc.events" || q.Get("query.num_traces") != "50" || q.Get("query.raw_traces") != "true" ||
		q.Get("query.start_time_min") != "2026-11-26T03:44:14.651Z" || q.Get("query.start_time_max") != "2026-11-26T03:44:21.651Z" {
		t.Errorf("request = %s", *got)
	}

	if len(traces) != 2 || traces[0].ID != "aa01" || traces[1].ID != "bb02" || len(traces[0].Spans) != 2 {
		t.Fatalf("traces = %+v", traces)
	}
	root, send := traces[0].Spans[0], traces[0].Spans[1]
	if root.Name != "POST /orders" || root.Kind != "server" || send.ParentID != "0a" || send.Kind != "producer" {
		t.Errorf("spans not sorted by start or kinds wrong: %+v", traces[0].Spans)
	}
	if send.Service != "order-svc.events" || send.Duration() != 3*time.Millisecond || send.Start != time.Unix(0, 2000000).UTC() {
		t.Errorf("send = %+v", send)
	}
	wantAttrs := map[string]string{"orderflow.order_id": "o-1", "size": "353", "ok": "true", "ratio": "0.5", "warnings": "[a, b]"}
	for k, v := range wantAttrs {
		if send.Attrs[k] != v {
			t.Errorf("attr %s = %q, want %q", k, send.Attrs[k], v)
		}
	}
	c := traces[1].Spans[0]
	if c.Kind != "consumer" || !c.Error || c.StatusMessage != "dead-lettered" || c.Service != "inventory-svc.events" ||
		len(c.Links) != 1 || c.Links[0] != (SpanRef{TraceID: "aa01", SpanID: "0b"}) ||
		len(c.Events) != 1 || c.Events[0].Attrs["exception.message"] != "boom" {
		t.Errorf("consumer = %+v", c)
	}
}

func TestFindTracesNothing(t *testing.T) {
	// Jaeger answers an empty search with 404 (as text/plain).
	srv, _ := serve(t, 404, "text/plain; charset=utf-8", `{"error":{"httpCode":404,"message":"No traces found"}}`)
	traces, err := NewJaeger(srv.URL, nil).FindTraces(context.Background(), "x", time.Now(), time.Now(), 0)
	if err != nil || traces != nil {
		t.Errorf("FindTraces = %v, %v; want nothing and no error", traces, err)
	}

	srv, _ = serve(t, 400, "text/plain; charset=utf-8", `{"error":{"httpCode":400,"message":"malformed parameter query.start_time_min"}}`)
	_, err = NewJaeger(srv.URL, nil).FindTraces(context.Background(), "x", time.Now(), time.Now(), 0)
	if pe, ok := errors.AsType[*ProblemError](err); !ok || pe.Status != 400 || !strings.Contains(err.Error(), "malformed parameter") {
		t.Errorf("400: err = %v", err)
	}
}

func TestGetTrace(t *testing.T) {
	srv, got := serve(t, 200, "application/json", otlpBody)
	tr, err := NewJaeger(srv.URL, nil).GetTrace(context.Background(), "BB02")
	if err != nil || tr.ID != "bb02" || len(tr.Spans) != 1 || !strings.HasPrefix(*got, "GET /api/v3/traces/BB02") {
		t.Errorf("GetTrace = %+v, %v (%s)", tr, err, *got)
	}

	for name, body := range map[string]string{
		"404":   `{"error":{"httpCode":404,"message":"No traces found"}}`,
		"empty": `{"result":{}}`,
	} {
		status := 200
		if name == "404" {
			status = 404
		}
		srv, _ := serve(t, status, "text/plain", body)
		if _, err := NewJaeger(srv.URL, nil).GetTrace(context.Background(), "cc03"); !errors.Is(err, ErrTraceNotFound) {
			t.Errorf("%s: err = %v, want ErrTraceNotFound", name, err)
		}
	}

	srv, _ = serve(t, 200, "application/json", `{"result":{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"aa","spanId":"1","startTimeUnixNano":"soon"}]}]}]}}`)
	if _, err := NewJaeger(srv.URL, nil).GetTrace(context.Background(), "aa"); err == nil || !strings.Contains(err.Error(), "startTimeUnixNano") {
		t.Errorf("bad time: err = %v", err)
	}
}

// Jaeger answers a read that raced a write with an empty 500 (a recovered
// panic); the client retries it and gives up only when it persists.
func TestJaegerRetriesServerErrors(t *testing.T) {
	var calls atomic.Int32
	var failFirst atomic.Int32
	failFirst.Store(2)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= failFirst.Load() {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, otlpBody)
	}))
	t.Cleanup(srv.Close)
	j := NewJaeger(srv.URL, nil)
	if tr, err := j.GetTrace(context.Background(), "aa01"); err != nil || len(tr.Spans) != 2 || calls.Load() != 3 {
		t.Errorf("after two 500s: GetTrace = %+v, %v after %d calls; want the trace after 3", tr, err, calls.Load())
	}

	calls.Store(0)
	failFirst.Store(100)
	_, err := j.FindTraces(context.Background(), "x", time.Now(), time.Now(), 0)
	if !IsServerError(err) || calls.Load() != otlpRetries+1 {
		t.Errorf("persistent 500: err = %v after %d calls; want a server error after %d", err, calls.Load(), otlpRetries+1)
	}

	// A 4xx is the caller's mistake: no retry.
	calls.Store(0)
	srv400, _ := serve(t, 400, "text/plain", `{"error":{"httpCode":400,"message":"malformed"}}`)
	if _, err := NewJaeger(srv400.URL, nil).GetTrace(context.Background(), "zz"); err == nil || IsServerError(err) {
		t.Errorf("400: err = %v", err)
	}

	// A cancelled context stops the retries.
	calls.Store(0)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := j.GetTrace(ctx, "aa01"); err == nil || calls.Load() > 1 {
		t.Errorf("cancelled: err = %v after %d calls", err, calls.Load())
	}
}

func TestServices(t *testing.T) {
	srv, got := serve(t, 200, "text/plain; charset=utf-8", `{"services":["order-svc.sync","inventory-svc.events"]}`)
	s, err := NewJaeger(srv.URL, nil).Services(context.Background())
	if err != nil || strings.Join(s, ",") != "inventory-svc.events,order-svc.sync" || !strings.HasPrefix(*got, "GET /api/v3/services") {
		t.Errorf("Services = %v, %v (%s)", s, err, *got)
	}
}
