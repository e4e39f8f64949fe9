package investigate

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/api"
)

const refused = "dial tcp 127.0.0.1:9092: connect: connection refused"

// brokerDownSpans play a broker-down order that ended CONFIRMED: its POST,
// three failed publishes of its event by the outbox relay (the recorded
// kafka-go batch error lists the refusal once per message of the batch),
// the publish that worked, and the consumer that confirmed it.
func brokerDownSpans() []api.Span {
	t0 := time.Date(2026, 12, 6, 20, 0, 0, 0, time.UTC)
	batchErr := "Kafka write errors (22/22), errors: [" + strings.TrimSpace(strings.Repeat(refused+" ", 22)) + "]"
	send := func(id string, at time.Duration, failed bool) api.Span {
		s := api.Span{TraceID: "t1", SpanID: id, ParentID: "post", Name: "send orders.v1", Service: "order-svc.events", Kind: "producer",
			Start: t0.Add(at), End: t0.Add(at + 5*time.Millisecond), Attrs: map[string]string{"messaging.message.id": "ev-1", AttrOrderID: "o-1"}}
		if failed {
			s.Error, s.StatusMessage = true, "publish failed"
			s.Events = []api.SpanEvent{{Name: "exception", Attrs: map[string]string{"exception.message": batchErr}}}
		}
		return s
	}
	return []api.Span{
		{TraceID: "t1", SpanID: "post", Name: "POST /orders", Service: "order-svc.events", Kind: "server", Start: t0, End: t0.Add(time.Millisecond)},
		send("a1", time.Second, true), send("a2", 2*time.Second, true), send("a3", 3*time.Second, true), send("ok", 4*time.Second, false),
		{TraceID: "t1", SpanID: "c1", ParentID: "ok", Name: "process orders.v1", Service: "inventory-svc.events", Kind: "consumer",
			Start: t0.Add(4010 * time.Millisecond), End: t0.Add(4020 * time.Millisecond)},
	}
}

func TestRetriesOfABrokerDownOrder(t *testing.T) {
	spans := brokerDownSpans()
	rs := Retries(spans)
	if len(rs) != 1 {
		t.Fatalf("%d retries, want the relay's one: %+v", len(rs), rs)
	}
	r := rs[0]
	wantErr := "publish failed: Kafka write errors (22/22), errors: [" + refused + " ×22] ×3"
	if r.Service != "order-svc" || r.Step != "send orders.v1" || r.Failed != 3 || r.Succeeded == nil || r.Succeeded.SpanID != "ok" || r.Error != wantErr {
		t.Errorf("retry %+v\nerror %q\nwant  %q", r, r.Error, wantErr)
	}
	if f := failure(spans); f != nil {
		t.Errorf("failure %s/%s: the attempts a later one made good are no failure", f.Name, f.SpanID)
	}
}

// Attempts that never succeeded are the failure: the last of them ends the
// path; and a failure of a CONFIRMED order's spans is not "the" failure.
func TestFailureAfterRetriesAndOfAConfirmedOrder(t *testing.T) {
	spans := brokerDownSpans()[:4] // three failed publishes, none worked
	rs := Retries(spans)
	if len(rs) != 1 || rs[0].Failed != 3 || rs[0].Succeeded != nil {
		t.Fatalf("retries %+v: want 3 failed, none succeeded", rs)
	}
	if f := failure(spans); f == nil || f.SpanID != "a1" {
		t.Errorf("failure %+v: want the first failed attempt", f)
	}
	withErr := brokerDownSpans()
	withErr[5].Error = true // the consumer erred, yet the order was confirmed
	if f := pathFailure(withErr, "CONFIRMED"); f != nil {
		t.Errorf("a CONFIRMED order's failure: %s", f.Name)
	}
	if f := pathFailure(withErr, "FAILED"); f == nil || f.SpanID != "c1" {
		t.Errorf("a FAILED order's failure %+v: want the consumer", f)
	}
	one := brokerDownSpans()[:2] // one failed attempt: no retry, a failure
	if rs := Retries(one); len(rs) != 0 {
		t.Errorf("one attempt is no retry: %+v", rs)
	}
	if f := failure(one); f == nil || f.SpanID != "a1" {
		t.Errorf("failure %+v: want the failed attempt", f)
	}
}

func TestCollapseRepeats(t *testing.T) {
	for in, want := range map[string]string{
		"errors: [e1 e1 e1]":        "errors: [e1 ×3]",
		"errors: [" + refused + "]": "errors: [" + refused + "]",
		"errors: [a b]":             "errors: [a b]",
		"no list here":              "no list here",
		"[x: y x: y]":               "[x: y ×2]",
		"Kafka write errors (2/2), errors: [" + refused + " " + refused + "]": "Kafka write errors (2/2), errors: [" + refused + " ×2]",
	} {
		if got := CollapseRepeats(in); got != want {
			t.Errorf("CollapseRepeats(%q) = %q, want %q", in, got, want)
		}
	}
}

// A consumer's failed handlings are "retry <topic>" children of the process
// span, which stays open until the event is handled: it ending without error
// is the success. While it is open (not exported yet) none succeeded, and
// the first attempt is the failure.
func TestRetriesOfAConsumerSucceedWithTheirProcessSpan(t *testing.T) {
	t0 := time.Date(2026, 12, 6, 20, 0, 0, 0, time.UTC)
	retry := func(id string, at time.Duration) api.Span {
		return api.Span{TraceID: "t1", SpanID: id, ParentID: "proc", Name: "retry inventory.v1", Service: "invoicing-svc.events", Kind: "internal",
			Start: t0.Add(at), End: t0.Add(at + time.Millisecond), Error: true, StatusMessage: "injected fault",
			Attrs: map[string]string{AttrAttempt: id[1:]}}
	}
	proc := api.Span{TraceID: "t1", SpanID: "proc", Name: "process inventory.v1", Service: "invoicing-svc.events", Kind: "consumer",
		Start: t0, End: t0.Add(700 * time.Millisecond)}
	attempts := []api.Span{retry("r1", 100*time.Millisecond), retry("r2", 300*time.Millisecond)}

	rs := Retries(append([]api.Span{proc}, attempts...))
	if len(rs) != 1 || rs[0].Succeeded == nil || rs[0].Succeeded.SpanID != "proc" || rs[0].Error != "injected fault ×2" {
		t.Errorf("handled at last: %+v", rs)
	}
	open := Retries(attempts) // the process span is not exported while it retries
	if len(open) != 1 || open[0].Succeeded != nil {
		t.Errorf("still retrying: %+v", open)
	}
	if f := failure(attempts); f == nil || f.SpanID != "r1" {
		t.Errorf("still retrying, the failure is %+v, want the first attempt", f)
	}
}

// testdata/broker-down-confirmed.json is `flowctl trace --json` of a real
// order placed while the native broker was stopped for 4 s (events stack,
// child): the relay's publish failed 4 times, the 5th worked, the order
// ended CONFIRMED. Its derived fields (retries) were dropped: they are
// worked out here again from the spans.
func TestRecordedBrokerDownOrder(t *testing.T) {
	b, err := os.ReadFile("testdata/broker-down-confirmed.json")
	if err != nil {
		t.Fatal(err)
	}
	var inv Investigation
	if err := json.Unmarshal(b, &inv); err != nil {
		t.Fatal(err)
	}
	rs := Retries(inv.AllSpans)
	if len(rs) != 1 || rs[0].Step != "send orders.v1" || rs[0].Failed != 4 || rs[0].Succeeded == nil ||
		rs[0].Error != "publish failed: kafka.(*Client).Produce: dial tcp 127.0.0.1:9092: connect: connection refused ×4" {
		t.Errorf("retries %+v", rs)
	}
	if f := failure(inv.AllSpans); f != nil {
		t.Errorf("failure %s %s: the publish was retried and worked", f.Service, f.Name)
	}
}
