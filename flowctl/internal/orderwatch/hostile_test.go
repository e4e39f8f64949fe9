package orderwatch

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode"

	"github.com/orderflow/flowctl/internal/api"
)

// TestWatchEscapesRemoteText: `order watch` prints the status, steps and
// reason order-svc answers.
func TestWatchEscapesRemoteText(t *testing.T) {
	var out bytes.Buffer
	p := printer{w: &out, enc: json.NewEncoder(&out), id: "o-1", seen: map[api.StepName]bool{}}
	var o api.Order
	o.Status = "REJECTED\x1b[2J"
	o.Final = true
	o.Reason = "out of stock\u202e\rCONFIRMED"
	o.Timeline = []api.Step{{Step: "placed\x1b[H"}}
	if err := p.steps(o); err != nil {
		t.Fatal(err)
	}
	for _, r := range out.String() {
		if r != '\n' && (unicode.IsControl(r) || unicode.Is(unicode.Cf, r)) {
			t.Fatalf("watch output holds %U raw:\n%q", r, out.String())
		}
	}
	for _, want := range []string{`REJECTED\x1b[2J`, `out of stock\u202e\x0dCONFIRMED`, `placed\x1b[H`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("watch output lacks the escaped %s:\n%s", want, out.String())
		}
	}
}
