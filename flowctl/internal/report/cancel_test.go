package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/orderflow/flowctl/internal/api"
)

const cancelledID = "3f1c2a9e-8b7d-4e6f-9a01-2b3c4d5e6f70"

func TestCancelled(t *testing.T) {
	reserved := api.Order{ID: cancelledID, Status: "CANCELLED", Final: true, Reason: "customer",
		Timeline: []api.Step{{Step: "placed"}, {Step: "reserved", AfterMS: 12}, {Step: "cancelled", AfterMS: 40}}}
	for _, c := range []struct {
		name    string
		c       api.Cancellation
		tooLate *api.ProblemError
		want    string
	}{
		{"events: the release follows", api.Cancellation{HTTPStatus: 202, Order: reserved}, nil,
			"POST /orders/" + cancelledID + "/cancel → 202 Accepted\n" +
				"order " + cancelledID + " is CANCELLED (customer)\n" +
				"timeline  placed +0ms → reserved +12ms → cancelled +40ms\n" +
				"released follows over Kafka: flowctl order watch --mode events 3f1c2a9e\n"},
		{"sync: cancelled and compensated", api.Cancellation{HTTPStatus: 200, Order: api.Order{ID: cancelledID, Status: "CANCELLED", Reason: "customer"}}, nil,
			"POST /orders/" + cancelledID + "/cancel → 200 OK\norder " + cancelledID + " is CANCELLED (customer)\n"},
		{"too late", api.Cancellation{HTTPStatus: 409, Order: api.Order{ID: cancelledID, Status: "CONFIRMED"}},
			&api.ProblemError{Status: 409, Title: "Too late to cancel", Detail: "order " + cancelledID + " is CONFIRMED: only an order that is not final can be cancelled"},
			"POST /orders/" + cancelledID + "/cancel → 409 Conflict\nnot cancelled: Too late to cancel — order " + cancelledID + " is CONFIRMED: only an order that is not final can be cancelled\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var b bytes.Buffer
			Cancelled(&b, c.c, c.tooLate, "events")
			if b.String() != c.want {
				t.Errorf("got\n%s\nwant\n%s", b.String(), c.want)
			}
			j := CancelJSON(c.c, c.tooLate)
			if _, hasProblem := j["problem"]; j["http_status"] != c.c.HTTPStatus || hasProblem != (c.tooLate != nil) {
				t.Errorf("json = %v", j)
			}
		})
	}
}

// TestOrderShowsTheCompensations: `order get` says what a cancelled order
// still holds, and that a voided invoice gave the credit back.
func TestOrderShowsTheCompensations(t *testing.T) {
	o := api.Order{ID: cancelledID, Status: "CANCELLED", Final: true, Reason: "deadline", InvoiceID: "inv-1", TotalCents: 1299,
		Timeline: []api.Step{{Step: "placed"}, {Step: "reserved", AfterMS: 5}, {Step: "invoiced", AfterMS: 9}, {Step: "cancelled", AfterMS: 30000}, {Step: "voided", AfterMS: 30010}}}
	var b bytes.Buffer
	Order(&b, o, "http://jaeger", "events")
	for _, want := range []string{"reason    deadline\n", "invoice   inv-1 (12.99, voided: the credit given back)\n",
		"cancelled +30.0s → voided +30.0s\n", "awaiting  released (what it holds, still to be undone)\n"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("lacks %q:\n%s", want, b.String())
		}
	}
	o.Timeline = append(o.Timeline, api.Step{Step: "released", AfterMS: 30020})
	b.Reset()
	Order(&b, o, "http://jaeger", "events")
	if strings.Contains(b.String(), "awaiting") {
		t.Errorf("nothing is awaited once released and voided:\n%s", b.String())
	}
}

// An order's trace line is its page in Jaeger's UI where there is one
// (Docker), else the command that draws it (natively Jaeger has no UI).
func TestOrderTraceLink(t *testing.T) {
	o := api.Order{ID: cancelledID, Status: "CONFIRMED", Final: true, TraceID: "4bf92f3577b34da6a3ce929d0e0e4736"}
	var b bytes.Buffer
	Order(&b, o, "http://127.0.0.1:16686", "events")
	if want := "trace     4bf92f3577b34da6a3ce929d0e0e4736\n          http://127.0.0.1:16686/trace/4bf92f3577b34da6a3ce929d0e0e4736\n"; !strings.Contains(b.String(), want) {
		t.Errorf("with Jaeger's UI, lacks %q:\n%s", want, b.String())
	}
	b.Reset()
	Order(&b, o, "", "events")
	if want := "          see it: flowctl trace --mode events " + ShortID(cancelledID) + " (or click the order in flowctl dashboard)\n"; !strings.Contains(b.String(), want) || strings.Contains(b.String(), "/trace/") {
		t.Errorf("without Jaeger's UI, lacks %q or links into it:\n%s", want, b.String())
	}
}
