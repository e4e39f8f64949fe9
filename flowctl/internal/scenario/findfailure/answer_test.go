package findfailure

import (
	"strings"
	"testing"

	"github.com/orderflow/flowctl/internal/scenario/kit"
)

// Page 1's delayed-message row: events says how long the stuck order waited
// after the fault cleared; sync says nothing waited, in words, not "not
// measured".
func TestSaysRecovered(t *testing.T) {
	events := kit.Outcome{Mode: "events"}
	events.Put(Recovered, 1542)
	if got := saysRecovered(events); !strings.Contains(got, "final 1.54 s after the fault cleared") {
		t.Errorf("events: %q", got)
	}
	if got := saysRecovered(kit.Outcome{Mode: "sync"}); !strings.Contains(got, "FAILED in the client's answer (HTTP 503)") {
		t.Errorf("sync: %q", got)
	}
	if got := saysRecovered(kit.Outcome{Mode: "events"}); got != "" {
		t.Errorf("events without a measurement must leave the words to the metrics, got %q", got)
	}
}
