package report

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/scenario"
	"github.com/orderflow/flowctl/internal/stats"
)

func TestFormatting(t *testing.T) {
	tests := []struct{ got, want string }{
		{stats.Ms(4.23), "4.2 ms"},
		{stats.Ms(42.4), "42 ms"},
		{stats.Ms(1234), "1.23 s"},
		{stats.Ms(math.NaN()), "–"},
		{After(0), "+0ms"},
		{After(4.25), "+4.2ms"},
		{After(35.6), "+36ms"},
		{After(12345), "+12.3s"},
		{Took(345 * time.Millisecond), "345ms"},
		{Took(5800 * time.Millisecond), "5.8s"},
		{ShortID("3f2a9c1e-1111-2222-3333-444455556666"), "3f2a9c1e"},
		{ShortID("abc"), "abc"},
		{Items([]api.Line{{SKU: "SKU-001", Qty: 2}, {SKU: "SKU-003", Qty: 1}}), "SKU-001×2, SKU-003×1"},
		{Timeline([]api.Step{{Step: "placed"}, {Step: "reserved", AfterMS: 18.2}, {Step: "confirmed", AfterMS: 41}}), "placed +0ms → reserved +18ms → confirmed +41ms"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func ptr(f float64) *float64 { return &f }

func sample(mode string, jaeger bool) scenario.DemoResult {
	return scenario.DemoResult{Mode: mode, OrderURL: "http://127.0.0.1:8181", Jaeger: jaeger, Orders: []scenario.OrderResult{
		{N: 1, Request: api.PlaceRequest{CustomerID: "cust-ada", Items: []api.Line{{SKU: "SKU-001", Qty: 2}}}, HTTPStatus: 202, PlacementMS: 2.5,
			Order: api.Order{ID: "11111111-aaaa-bbbb-cccc-000000000001", Status: "CONFIRMED", Final: true, TraceID: "4bf92f3577b34da6a3ce929d0e0e4736",
				Timeline: []api.Step{{Step: "placed"}, {Step: "reserved", AfterMS: 12}, {Step: "invoiced", AfterMS: 30}, {Step: "confirmed", AfterMS: 31}}, TimeToFinalMS: ptr(31)},
			TraceURL: "http://127.0.0.1:16686/trace/4bf92f3577b34da6a3ce929d0e0e4736", TraceAPIURL: "http://127.0.0.1:16686/api/v3/traces/4bf92f3577b34da6a3ce929d0e0e4736",
			Trace: &api.TraceSummary{Spans: 9, Services: []string{"inventory-svc.events", "invoicing-svc.events", "order-svc.events"}}},
		{N: 2, Request: api.PlaceRequest{CustomerID: "cust-edsger", Items: []api.Line{{SKU: "SKU-005", Qty: 5}}}, HTTPStatus: 202, PlacementMS: 1.5,
			Order: api.Order{ID: "22222222-aaaa-bbbb-cccc-000000000002", Status: "REJECTED", Final: true, Reason: "SKU SKU-005: 5 requested, 3 available",
				Timeline: []api.Step{{Step: "placed"}, {Step: "rejected", AfterMS: 20}}, TimeToFinalMS: ptr(20)}},
		{N: 3, Request: api.PlaceRequest{CustomerID: "cust-linus", Items: []api.Line{{SKU: "SKU-004", Qty: 1}}}, HTTPStatus: 202, PlacementMS: 9,
			Order: api.Order{ID: "33333333-aaaa-bbbb-cccc-000000000003", Status: "PENDING", Timeline: []api.Step{{Step: "placed"}}}},
	}}
}

func TestSummarizeDemo(t *testing.T) {
	s := SummarizeDemo(sample("events", true))
	if s.Orders != 3 || s.ByStatus["CONFIRMED"] != 1 || s.ByStatus["REJECTED"] != 1 || s.ByStatus["PENDING"] != 1 {
		t.Errorf("counts = %+v", s)
	}
	if s.NotFinal != 1 {
		t.Errorf("NotFinal = %d, want 1", s.NotFinal)
	}
	if p := s.Placement; p.N != 3 || p.P50 != 2.5 || p.Max != 9 {
		t.Errorf("Placement = %+v, want n 3, p50 2.5, max 9", p)
	}
	// Only CONFIRMED orders have a time to consistency: the REJECTED one
	// (final after 20 ms) is counted in ByStatus, not here.
	if f := s.TimeToFinal; f.N != 1 || f.P50 != 31 || f.Max != 31 {
		t.Errorf("TimeToFinal = %+v, want n 1, p50 31, max 31", f)
	}
	if m := Meaning("events-orchestration"); !strings.HasPrefix(m, "events-orchestration: the client was answered at once") {
		t.Errorf("the orchestrated stack's meaning is not the events stack's: %q", m)
	}
	if !strings.HasPrefix(s.Meaning, "events:") || !strings.HasPrefix(Meaning("sync"), "sync:") {
		t.Errorf("meaning does not name the mode: %q / %q", s.Meaning, Meaning("sync"))
	}
}

func TestDemoOutput(t *testing.T) {
	r := sample("events", true)
	r.JaegerUI = true // Docker
	var b bytes.Buffer
	Demo(&b, r, SummarizeDemo(r))
	out := b.String()
	for _, want := range []string{
		"#1  11111111  cust-ada  SKU-001×2",
		"POST /orders → 202 Accepted in 2.5 ms; final status CONFIRMED after 31 ms",
		"timeline  placed +0ms → reserved +12ms → invoiced +30ms → confirmed +31ms",
		"trace     4bf92f3577b34da6a3ce929d0e0e4736: 9 spans from inventory-svc.events, invoicing-svc.events, order-svc.events",
		"UI  http://127.0.0.1:16686/trace/4bf92f3577b34da6a3ce929d0e0e4736",
		"API http://127.0.0.1:16686/api/v3/traces/4bf92f3577b34da6a3ce929d0e0e4736",
		"final status REJECTED after 20 ms — SKU SKU-005: 5 requested, 3 available",
		"PENDING (still not final when the demo stopped waiting)",
		"final status         CONFIRMED 1 · PENDING 1 · REJECTED 1",
		"placement latency    p50 2.5 ms · max 9.0 ms (n=3)",
		"time to consistency  p50 31 ms · max 31 ms (n=1 CONFIRMED)",
		"1 order(s) were not final",
		"events: the client was answered at once",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q\n%s", want, out)
		}
	}

	// Natively Jaeger has no UI: no link into it, `flowctl trace` instead.
	r.JaegerUI = false
	b.Reset()
	Demo(&b, r, SummarizeDemo(r))
	if out := b.String(); strings.Contains(out, "UI  ") || !strings.Contains(out, "see flowctl trace 11111111 --mode events") {
		t.Errorf("natively the output should point at flowctl trace, not Jaeger's UI:\n%s", out)
	}

	r = sample("sync", false)
	b.Reset()
	Demo(&b, r, SummarizeDemo(r))
	if out := b.String(); !strings.Contains(out, "Jaeger is off") || strings.Contains(out, "/trace/") {
		t.Errorf("without Jaeger the output should say so and show no links:\n%s", out)
	}
}
