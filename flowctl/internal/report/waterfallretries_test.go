package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/investigate"
)

const refused = "dial tcp 127.0.0.1:9092: connect: connection refused"

// brokerDown is `flowctl trace` of an order placed while the broker was
// down that ended CONFIRMED: the relay's publish failed three times (each
// recorded with kafka-go's batch error, which lists the refusal once per
// message) before one worked.
func brokerDown() investigate.Investigation {
	t0 := time.Date(2026, 12, 6, 20, 0, 0, 0, time.UTC)
	batchErr := "Kafka write errors (22/22), errors: [" + strings.TrimSpace(strings.Repeat(refused+" ", 22)) + "]"
	send := func(id string, at time.Duration, failed bool) api.Span {
		s := api.Span{TraceID: "t1", SpanID: id, ParentID: "post", Name: "send orders.v1", Service: "order-svc.events", Kind: "producer",
			Start: t0.Add(at), End: t0.Add(at + 5*time.Millisecond), Attrs: map[string]string{"messaging.message.id": "ev-1"}}
		if failed {
			s.Error, s.StatusMessage = true, "publish failed"
			s.Events = []api.SpanEvent{{Name: "exception", Attrs: map[string]string{"exception.message": batchErr}}}
		}
		return s
	}
	spans := []api.Span{
		{TraceID: "t1", SpanID: "post", Name: "POST /orders", Service: "order-svc.events", Kind: "server", Start: t0, End: t0.Add(time.Millisecond)},
		send("a1", time.Second, true), send("a2", 2*time.Second, true), send("a3", 3*time.Second, true), send("ok", 4*time.Second, false),
		{TraceID: "t1", SpanID: "c1", ParentID: "ok", Name: "process orders.v1", Service: "inventory-svc.events", Kind: "consumer",
			Start: t0.Add(4010 * time.Millisecond), End: t0.Add(4020 * time.Millisecond)},
	}
	return investigate.Investigation{OrderID: "o-1", Mode: "events", StartTraceID: "t1", TraceIDs: []string{"t1"}, Traces: 1, Spans: len(spans),
		AllSpans: spans, Retries: investigate.Retries(spans), HowFound: "1 trace, 6 spans"}
}

func TestWaterfallRetriedStepIsNoFailure(t *testing.T) {
	var b bytes.Buffer
	Waterfall(&b, brokerDown(), 30, false)
	out := b.String()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var sends []string
	for _, l := range lines {
		if strings.Contains(l, "send orders.v1") && !strings.HasPrefix(l, "retried:") {
			sends = append(sends, l)
		}
		if strings.Count(l, "connection refused") > 1 {
			t.Errorf("a line repeats the error: %s", l)
		}
	}
	if len(sends) != 2 || !strings.Contains(sends[0], "✗ retried ×3, succeeded at +4005ms: publish failed: Kafka write errors (22/22), errors: ["+refused+" ×22] ×3") {
		t.Errorf("want the failed attempts on one line and the publish that worked on another:\n%s", strings.Join(sends, "\n"))
	}
	if strings.Contains(out, "failed here") || strings.Contains(out, "◀") {
		t.Errorf("a CONFIRMED order marked as failed:\n%s", out)
	}
	if last := lines[len(lines)-1]; last != "retried: order-svc send orders.v1, 3 failed attempts, succeeded at +4005ms (3.00 s after the first)" {
		t.Errorf("last line %q", last)
	}
}

// What spans say reaches the terminal escaped: an ESC in a span name or an
// error would act on the operator's screen.
func TestWaterfallEscapesControlCharacters(t *testing.T) {
	inv := brokerDown()
	inv.AllSpans[0].Name = "POST /orders\x1b[2J"
	inv.AllSpans[5].Error, inv.AllSpans[5].StatusMessage = true, "bad\x1b]0;owned\x07 \u202egnp.exe"
	var b bytes.Buffer
	Waterfall(&b, inv, 30, false)
	out := b.String()
	if strings.ContainsAny(out, "\x1b\x07\u202e") {
		t.Errorf("raw control characters printed:\n%q", out)
	}
	for _, want := range []string{`POST /orders\x1b[2J`, `bad\x1b]0;owned\x07 \u202egnp.exe`} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
}

// The recorded broker-down order (investigate/testdata): one line for the
// relay's four failed publishes, one for the publish that worked, no
// "failed here" on an order that ended CONFIRMED.
func TestWaterfallOfARecordedBrokerDownOrder(t *testing.T) {
	inv := loadInvestigation(t, "../../investigate/testdata/broker-down-confirmed.json")
	inv.Retries = investigate.Retries(inv.AllSpans)
	var b bytes.Buffer
	Waterfall(&b, inv, 30, false)
	out := b.String()
	sends, lines := 0, strings.Split(strings.TrimSpace(out), "\n")
	for _, l := range lines {
		if strings.Contains(l, "  send orders.v1") {
			sends++
		}
	}
	if sends != 2 || !strings.Contains(out, "✗ retried ×4, succeeded at +") || strings.Contains(out, "◀") || len(lines) != 1+1+(14-3)+1+1 {
		t.Errorf("want 11 span lines (3 of the 4 failed attempts folded), the retry noted, no failure:\n%s", out)
	}
}
