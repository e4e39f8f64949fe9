package audit

import (
	"bytes"
	"strings"
	"testing"
)

// TestWriteEscapesWhatCustomersChose: a breach line names a customer id,
// which whoever placed the order chose.
func TestWriteEscapesWhatCustomersChose(t *testing.T) {
	r := Report{Mode: "events", Breaches: []Breach{{Kind: ConfirmedNotHeld, Customer: "\x1b[2Jcust\u202e", What: "charged to \x1b[2Jcust\u202e\r"}}}
	var out bytes.Buffer
	r.Write(&out)
	if strings.ContainsAny(out.String(), "\x1b\r\u202e") {
		t.Fatalf("audit output holds control or format characters raw:\n%q", out.String())
	}
	if !strings.Contains(out.String(), `\x1b[2Jcust\u202e`) {
		t.Fatalf("audit output lacks the escaped customer:\n%s", out.String())
	}
}
