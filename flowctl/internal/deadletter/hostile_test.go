package deadletter

import (
	"bytes"
	"strings"
	"testing"
	"unicode"

	"github.com/orderflow/flowctl/internal/kafkalog"
)

// TestPrintersEscapeWhatThePublisherWrote: a dead letter's key, type, id,
// error and origin are whatever was published; printed raw, an ESC
// sequence clears the operator's screen, a CR overwrites the row, an RLO
// reorders it.
func TestPrintersEscapeWhatThePublisherWrote(t *testing.T) {
	e := entry("orders.v1.dlq", 3, "e-\u202e1")
	e.EventType = "\x1b[2J\x1b[HOrderPlaced"
	e.OrderID = "o\rFAKE ROW"
	e.Error = "boom\x1b]0;pwned\x07"
	e.OriginalTopic = "orders.v1\u200b"
	var out bytes.Buffer
	if err := PrintList(&out, []kafkalog.DLQEntry{e}); err != nil {
		t.Fatal(err)
	}
	PrintRedriven(&out, []kafkalog.Redriven{{Entry: e, Outcome: kafkalog.WouldPublish, To: kafkalog.Position{Topic: "orders.v1\x1b[31m", Partition: 0, Offset: 1}}}, true)
	assertPrintable(t, out.String())
	for _, want := range []string{`\x1b[2J\x1b[HOrderPlaced`, `e-\u202e1`, `o\x0dFAKE`, `boom\x1b]0;pwned\x07`, `orders.v1\u200b`, `orders.v1\x1b[31m`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks the escaped %s:\n%s", want, out.String())
		}
	}
}

// assertPrintable fails on any character a terminal acts on, but newlines.
func assertPrintable(t *testing.T, s string) {
	t.Helper()
	for _, r := range s {
		if r != '\n' && (unicode.IsControl(r) || unicode.Is(unicode.Cf, r)) {
			t.Fatalf("output holds %U raw:\n%q", r, s)
		}
	}
}
