package investigate

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/api"
)

// The fixtures are raw answers of a running Jaeger (v1.76 query API v3):
// *-start.json and the child/sync files GET /api/v3/traces/{id} of the
// trace order-svc stored, *-find-<service>.json GET /api/v3/traces searches
// of one service over the order's window, other orders' traces included.
//
//	child: events stack, TRACE_PROPAGATION=child (one trace per order)
//	link:  events stack, TRACE_PROPAGATION=link (a new trace per consumer)
//	sync:  sync stack (REST; no span carries orderflow.order_id)
const (
	childConfirmed = "8e5d2abd-a520-4037-9e78-24cadb0d8176"
	childRejected  = "dbfb77fb-edd0-4b22-a677-0386b80592cf"
	linkRejected   = "24c84a89-48c2-4905-be39-401d0ee62961"
	linkConfirmed  = "eebd11d9-8389-4501-aaa3-21ef99f8eec1"
	syncRejected   = "c7b422d1-6e3d-4d6b-a9d9-b67e1af52659"
	syncConfirmed  = "a1e23a3d-2cbd-466b-877e-a4d6d7298fa4"
	skuReason      = "SKU SKU-005: 5 requested, 3 available"
)

// fakeJaeger serves fixtures the way Jaeger's HTTP gateway does: 404 with
// "No traces found" for unknown ids and empty searches.
type fakeJaeger struct {
	t      *testing.T
	traces map[string]string // trace id → fixture
	finds  map[string]string // service → fixture
	// transform rewrites every answer (e.g. drop span links to play
	// TRACE_PROPAGATION=off from link fixtures).
	transform func([]byte) []byte

	mu       sync.Mutex
	requests []string
}

func (f *fakeJaeger) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.requests = append(f.requests, r.URL.Path+"?"+r.URL.RawQuery)
	f.mu.Unlock()
	var file string
	switch {
	case r.URL.Path == "/api/v3/traces":
		q := r.URL.Query()
		for _, p := range []string{"query.start_time_min", "query.start_time_max"} {
			if _, err := time.Parse(time.RFC3339Nano, q.Get(p)); err != nil {
				http.Error(w, `{"error":{"httpCode":400,"message":"malformed parameter `+p+`"}}`, http.StatusBadRequest)
				return
			}
		}
		file = f.finds[q.Get("query.service_name")]
	case strings.HasPrefix(r.URL.Path, "/api/v3/traces/"):
		file = f.traces[strings.TrimPrefix(r.URL.Path, "/api/v3/traces/")]
	}
	if file == "" {
		http.Error(w, `{"error":{"httpCode":404,"message":"No traces found"}}`, http.StatusNotFound)
		return
	}
	b, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		f.t.Error(err)
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	if f.transform != nil {
		b = f.transform(b)
	}
	w.Write(b)
}

func (f *fakeJaeger) start(t *testing.T) *api.Jaeger {
	f.t = t
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return api.NewJaeger(srv.URL, nil)
}

func finds(prefix, mode string) map[string]string {
	m := map[string]string{}
	for _, svc := range []string{"order", "inventory", "invoicing"} {
		m[svc+"-svc."+mode] = prefix + "-find-" + svc + ".json"
	}
	return m
}

// dropLinks removes span links from an OTLP document: what the link
// fixtures would look like had nothing been propagated (off).
func dropLinks(keep func(traceID string) bool) func([]byte) []byte {
	return func(b []byte) []byte {
		var doc any
		if err := json.Unmarshal(b, &doc); err != nil {
			panic(err)
		}
		var walk func(any)
		walk = func(v any) {
			switch v := v.(type) {
			case map[string]any:
				if tid, ok := v["traceId"].(string); ok && v["spanId"] != nil && (keep == nil || !keep(tid)) {
					delete(v, "links")
				}
				for _, e := range v {
					walk(e)
				}
			case []any:
				for _, e := range v {
					walk(e)
				}
			}
		}
		walk(doc)
		out, _ := json.Marshal(doc)
		return out
	}
}

var window = [2]time.Time{
	time.Date(2026, 11, 26, 3, 43, 59, 0, time.UTC),
	time.Date(2026, 11, 26, 3, 44, 22, 0, time.UTC),
}

func TestForOrder(t *testing.T) {
	type want struct {
		traces, spans, lookups, hops int
		linked                       bool
		unlinked                     int
		failureService, failureName  string
		failureText                  string
		howFound                     string
	}
	tests := []struct {
		name string
		in   Input
		jg   *fakeJaeger
		want want
	}{
		{
			name: "child confirmed: one trace holds everything",
			in:   Input{OrderID: childConfirmed, TraceID: "f27cce67d3d7bb7dcc8ad9f3874715c5", Mode: "events", Status: "CONFIRMED"},
			jg: &fakeJaeger{
				traces: map[string]string{"f27cce67d3d7bb7dcc8ad9f3874715c5": "events-confirmed-child.json"},
				finds:  finds("child", "events"),
			},
			want: want{traces: 1, spans: 8, lookups: 1, hops: 4,
				howFound: "1 trace, 8 spans: everything under the order's trace id f27cce67d3d7bb7dcc8ad9f3874715c5"},
		},
		{
			name: "child rejected: inventory's StockRejected explains it",
			in:   Input{OrderID: childRejected, TraceID: "ff307f364e3d1411a971f046daab2664", Mode: "events", Status: "REJECTED", Reason: skuReason},
			jg: &fakeJaeger{
				traces: map[string]string{"ff307f364e3d1411a971f046daab2664": "events-rejected-child.json"},
				finds:  finds("child", "events"),
			},
			want: want{traces: 1, spans: 6, lookups: 1, hops: 3,
				failureService: "inventory-svc.events", failureName: "send inventory.v1",
				failureText: "rejected in inventory-svc: " + skuReason,
				howFound:    "1 trace, 6 spans: everything under"},
		},
		{
			name: "link rejected: four traces joined by links",
			in:   Input{OrderID: linkRejected, TraceID: "32df2e45c845f87c4a7cb5298f264ce5", Mode: "events", Status: "REJECTED", Reason: skuReason},
			jg: &fakeJaeger{
				traces: map[string]string{"32df2e45c845f87c4a7cb5298f264ce5": "link-rejected-start.json"},
				finds:  finds("link", "events"),
			},
			// The start trace, order-svc's search, inventory's search (which
			// holds the decision: invoicing is never searched) and the two
			// traces those searches turned up.
			want: want{traces: 3, spans: 5, lookups: 5, hops: 2, linked: true,
				failureService: "inventory-svc.events", failureName: "send inventory.v1",
				failureText: "rejected in inventory-svc: " + skuReason,
				howFound:    "3 traces joined by span links, 5 spans; found by searching 2 services for orderflow.order_id=" + linkRejected},
		},
		{
			name: "link confirmed: five traces joined by links",
			in:   Input{OrderID: linkConfirmed, TraceID: "573ea4d0abb18c7f2f1df614a554f84b", Mode: "events", Status: "CONFIRMED"},
			jg: &fakeJaeger{
				traces: map[string]string{"573ea4d0abb18c7f2f1df614a554f84b": "link-confirmed-start.json"},
				finds:  finds("link", "events"),
			},
			// Nothing failed, so every service is searched: 1 + 3 searches + 4 traces opened.
			want: want{traces: 5, spans: 8, lookups: 8, hops: 4, linked: true,
				howFound: "5 traces joined by span links, 8 spans"},
		},
		{
			name: "off: the same spans without links are unconnected fragments",
			in:   Input{OrderID: linkRejected, TraceID: "32df2e45c845f87c4a7cb5298f264ce5", Mode: "events", Status: "REJECTED", Reason: skuReason},
			jg: &fakeJaeger{
				traces:    map[string]string{"32df2e45c845f87c4a7cb5298f264ce5": "link-rejected-start.json"},
				finds:     finds("link", "events"),
				transform: dropLinks(nil),
			},
			want: want{traces: 3, spans: 5, lookups: 5, hops: 2, unlinked: 2,
				failureService: "inventory-svc.events", failureName: "send inventory.v1",
				failureText: "rejected in inventory-svc: " + skuReason,
				howFound:    "3 unconnected traces, 5 spans: only the order id attribute ties them together"},
		},
		{
			name: "partly linked: links join some traces, not all",
			in:   Input{OrderID: linkConfirmed, TraceID: "573ea4d0abb18c7f2f1df614a554f84b", Mode: "events"},
			jg: &fakeJaeger{
				traces: map[string]string{"573ea4d0abb18c7f2f1df614a554f84b": "link-confirmed-start.json"},
				finds:  finds("link", "events"),
				// Keep only inventory's link to the order's trace.
				transform: dropLinks(func(id string) bool { return strings.HasPrefix(id, "e8d65a96") }),
			},
			want: want{traces: 5, spans: 8, lookups: 8, hops: 4, unlinked: 3,
				howFound: "5 traces, 8 spans: span links join 2 of them, only the order id attribute ties the other 3"},
		},
		{
			name: "sync rejected: the 409 came from inventory-svc",
			in:   Input{OrderID: syncRejected, TraceID: "76447103d89fb5c2ac8f19d434be459d", Mode: "sync", Status: "REJECTED", Reason: skuReason},
			jg: &fakeJaeger{
				traces: map[string]string{"76447103d89fb5c2ac8f19d434be459d": "sync-rejected.json"},
				finds:  finds("sync", "sync"),
			},
			want: want{traces: 1, spans: 3, lookups: 1,
				failureService: "inventory-svc.sync", failureName: "POST /reservations",
				failureText: "rejected in inventory-svc: " + skuReason,
				howFound:    "1 trace, 3 spans: everything under"},
		},
		{
			name: "sync rejected without the order's reason: the span says what it can",
			in:   Input{OrderID: syncRejected, TraceID: "76447103d89fb5c2ac8f19d434be459d", Mode: "sync"},
			jg: &fakeJaeger{
				traces: map[string]string{"76447103d89fb5c2ac8f19d434be459d": "sync-rejected.json"},
			},
			want: want{traces: 1, spans: 3, lookups: 1,
				failureService: "inventory-svc.sync", failureName: "POST /reservations",
				failureText: "rejected in inventory-svc: POST /reservations answered HTTP 409",
				howFound:    "1 trace, 3 spans"},
		},
		{
			name: "sync confirmed",
			in:   Input{OrderID: syncConfirmed, TraceID: "73740a90c758ab1b31912f0e65fe69db", Mode: "sync", Status: "CONFIRMED"},
			jg: &fakeJaeger{
				traces: map[string]string{"73740a90c758ab1b31912f0e65fe69db": "sync-confirmed.json"},
				finds:  finds("sync", "sync"),
			},
			want: want{traces: 1, spans: 5, lookups: 1, howFound: "1 trace, 5 spans"},
		},
		{
			name: "no trace id: search only, the earliest fragment leads",
			in:   Input{OrderID: linkRejected, Mode: "events"},
			jg:   &fakeJaeger{finds: finds("link", "events")},
			want: want{traces: 3, spans: 5, lookups: 5, hops: 2, linked: true,
				failureService: "inventory-svc.events", failureName: "send inventory.v1",
				failureText: "rejected in inventory-svc: send inventory.v1: StockRejected",
				howFound:    "3 traces joined by span links"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			j := tc.jg.start(t)
			in := tc.in
			in.Since, in.Until = window[0], window[1]
			if in.Services == nil && tc.jg.finds != nil {
				in.Services = ServiceNames(in.Mode)
			}
			inv, err := ForOrder(context.Background(), j, in)
			if err != nil {
				t.Fatal(err)
			}
			w := tc.want
			if inv.Traces != w.traces || inv.Spans != w.spans || inv.Lookups != w.lookups || len(inv.Hops) != w.hops ||
				inv.Linked != w.linked || len(inv.Unlinked) != w.unlinked {
				t.Errorf("traces %d spans %d lookups %d hops %d linked %v unlinked %v; want %+v",
					inv.Traces, inv.Spans, inv.Lookups, len(inv.Hops), inv.Linked, inv.Unlinked, w)
			}
			if len(inv.AllSpans) != inv.Spans || len(inv.TraceIDs) != inv.Traces {
				t.Errorf("AllSpans %d, TraceIDs %d: disagree with the counts", len(inv.AllSpans), len(inv.TraceIDs))
			}
			for i := 1; i < len(inv.AllSpans); i++ {
				if inv.AllSpans[i].Start.Before(inv.AllSpans[i-1].Start) {
					t.Errorf("AllSpans not sorted by start at %d", i)
				}
			}
			for _, s := range inv.AllSpans {
				if id := s.Attrs[AttrOrderID]; id != "" && id != in.OrderID {
					t.Errorf("span %s %q belongs to order %s", s.SpanID, s.Name, id)
				}
			}
			if in.TraceID != "" && inv.TraceIDs[0] != in.TraceID {
				t.Errorf("TraceIDs[0] = %s, want the start trace %s", inv.TraceIDs[0], in.TraceID)
			}
			switch {
			case w.failureName == "" && inv.Failure != nil:
				t.Errorf("Failure = %s %q, want none", inv.Failure.Service, inv.Failure.Name)
			case w.failureName != "" && inv.Failure == nil:
				t.Errorf("no Failure, want %s %q", w.failureService, w.failureName)
			case w.failureName != "" && (inv.Failure.Service != w.failureService || inv.Failure.Name != w.failureName):
				t.Errorf("Failure = %s %q, want %s %q", inv.Failure.Service, inv.Failure.Name, w.failureService, w.failureName)
			}
			if inv.FailureText != w.failureText {
				t.Errorf("FailureText = %q, want %q", inv.FailureText, w.failureText)
			}
			if !strings.HasPrefix(inv.HowFound, w.howFound) {
				t.Errorf("HowFound = %q, want it to start with %q", inv.HowFound, w.howFound)
			}
			// The cost is what was asked of Jaeger, not a formula.
			want := inv.Cost.Searches
			if in.TraceID != "" {
				want++
			}
			if len(tc.jg.requests) != want || inv.Lookups != inv.Cost.Searches+inv.Cost.TracesOpened || inv.Cost.SpansRead < inv.Spans {
				t.Errorf("%d requests for cost %+v (lookups %d, spans %d): %v", len(tc.jg.requests), inv.Cost, inv.Lookups, inv.Spans, tc.jg.requests)
			}
		})
	}
}

func TestForOrderKafkaWait(t *testing.T) {
	jg := fakeJaeger{
		traces: map[string]string{"32df2e45c845f87c4a7cb5298f264ce5": "link-rejected-start.json"},
		finds:  finds("link", "events"),
	}
	inv, err := ForOrder(context.Background(), jg.start(t), Input{OrderID: linkRejected, TraceID: "32df2e45c845f87c4a7cb5298f264ce5",
		Mode: "events", Since: window[0], Until: window[1], Services: ServiceNames("events")})
	if err != nil {
		t.Fatal(err)
	}
	// The two consumers found before inventory's rejection explained the
	// order measured 4 ms each (orderflow.kafka_wait_ms).
	if inv.KafkaWaitMS != 8 {
		t.Errorf("KafkaWaitMS = %v, want 8", inv.KafkaWaitMS)
	}
	for _, h := range inv.Hops {
		if !h.Measured || h.Producer == nil || h.Topic == "" {
			t.Errorf("hop %+v: want measured, with its producer (via the link) and topic", h)
		}
	}
}

func TestKafkaHopsComputedWithoutAttribute(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	spans := []api.Span{
		{TraceID: "a", SpanID: "p", Kind: "producer", Start: t0, End: t0.Add(2 * time.Millisecond)},
		{TraceID: "b", SpanID: "c", Kind: "consumer", Start: t0.Add(7 * time.Millisecond), End: t0.Add(8 * time.Millisecond),
			Links: []api.SpanRef{{TraceID: "a", SpanID: "p"}}},
		{TraceID: "c", SpanID: "lone", Kind: "consumer", Start: t0, End: t0}, // nothing to measure
	}
	hops := KafkaHops(spans)
	if len(hops) != 1 || hops[0].WaitMS != 5 || hops[0].Measured || hops[0].Producer.SpanID != "p" {
		t.Errorf("hops = %+v, want one of 5 ms computed from the link", hops)
	}
}

func TestForOrderNotFound(t *testing.T) {
	jg := fakeJaeger{finds: finds("link", "events")}
	_, err := ForOrder(context.Background(), jg.start(t), Input{OrderID: linkRejected, TraceID: "0123456789abcdef0123456789abcdef",
		Since: window[0], Until: window[1], Services: ServiceNames("events")})
	if !errors.Is(err, api.ErrTraceNotFound) {
		t.Errorf("unknown trace: err = %v, want ErrTraceNotFound", err)
	}
	_, err = ForOrder(context.Background(), jg.start(t), Input{OrderID: "not-an-order", Since: window[0], Until: window[1], Services: ServiceNames("events")})
	if !errors.Is(err, api.ErrTraceNotFound) {
		t.Errorf("no span of the order: err = %v, want ErrTraceNotFound", err)
	}
}

func TestShortService(t *testing.T) {
	for in, want := range map[string]string{"inventory-svc.events": "inventory-svc", "order-svc.sync": "order-svc", "jaeger": "jaeger"} {
		if got := ShortService(in); got != want {
			t.Errorf("ShortService(%q) = %q, want %q", in, got, want)
		}
	}
}
