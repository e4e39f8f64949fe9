package report

import (
	"bytes"
	"strings"
	"testing"
	"unicode"

	"github.com/orderflow/flowctl/internal/api"
)

// TestOrderPrintersEscapeRemoteText: `order list` and `order get` print
// what order-svc answers, customer ids included, which a client chose.
func TestOrderPrintersEscapeRemoteText(t *testing.T) {
	var o api.Order
	o.ID = "o-1\x1b[8m"
	o.CustomerID = "\x1b[2J\x1b[Hcust\u202e1"
	o.Status = "CONFIRMED\rFAILED"
	o.Reason = "r\u200b"
	var out bytes.Buffer
	if err := Orders(&out, []api.Order{o}); err != nil {
		t.Fatal(err)
	}
	Order(&out, o, "", "events")
	for _, r := range out.String() {
		if r != '\n' && (unicode.IsControl(r) || unicode.Is(unicode.Cf, r)) {
			t.Fatalf("output holds %U raw:\n%q", r, out.String())
		}
	}
	for _, want := range []string{`o-1\x1b[8m`, `\x1b[2J\x1b[Hcust\u202e1`, `CONFIRMED\x0dFAILED`, `r\u200b`} {
		if strings.Count(out.String(), want) < 2 && want != `r\u200b` {
			t.Errorf("list and detail do not both hold the escaped %s:\n%s", want, out.String())
		}
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks the escaped %s:\n%s", want, out.String())
		}
	}
}

// TestTraceEscapesSpanText: `flowctl trace` prints span names and status
// messages from Jaeger, which hold what a client sent (a path, an error).
func TestTraceEscapesSpanText(t *testing.T) {
	inv := loadInvestigation(t, "child-confirmed.json")
	inv.AllSpans[0].Name = "GET /orders/\x1b[2J\u202e"
	inv.AllSpans[0].Error = true
	inv.AllSpans[0].StatusMessage = "bad\rOK"
	var out bytes.Buffer
	Waterfall(&out, inv, 40, false)
	for _, r := range out.String() {
		if r != '\n' && (unicode.IsControl(r) || unicode.Is(unicode.Cf, r)) {
			t.Fatalf("trace output holds %U raw:\n%q", r, out.String())
		}
	}
	for _, want := range []string{`GET /orders/\x1b[2J\u202e`, `bad\x0dOK`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("trace output lacks the escaped %s:\n%s", want, out.String())
		}
	}
}

// TestCancelEscapesRemoteText: `order cancel` prints the order and, when
// too late, the service's problem.
func TestCancelEscapesRemoteText(t *testing.T) {
	var c api.Cancellation
	c.HTTPStatus = 200
	c.Order.ID, c.Order.Status, c.Order.Reason = "o-1", "CANCELLED", "customer\x1b[2J"
	var out bytes.Buffer
	Cancelled(&out, c, nil, "sync")
	Cancelled(&out, c, &api.ProblemError{Title: "Too late\u202e", Detail: "it is CONFIRMED\r"}, "sync")
	if strings.ContainsAny(out.String(), "\x1b\r\u202e") {
		t.Fatalf("cancel output holds control or format characters raw:\n%q", out.String())
	}
	for _, want := range []string{`customer\x1b[2J`, `Too late\u202e`, `CONFIRMED\x0d`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("cancel output lacks the escaped %s:\n%s", want, out.String())
		}
	}
}
