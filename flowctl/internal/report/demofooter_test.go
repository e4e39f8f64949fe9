package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/orderflow/flowctl/internal/scenario"
)

func TestDemoFooter(t *testing.T) {
	var b bytes.Buffer
	DemoFooter(&b, scenario.DemoResult{Mode: "events", Jaeger: true, JaegerUI: true}, ".run/bin/flowctl")
	if want := "\nThe events stack keeps running: browse the traces at http://127.0.0.1:16686; `.run/bin/flowctl down` stops everything.\n"; b.String() != want {
		t.Errorf("with Jaeger's UI: %q", b.String())
	}
	b.Reset()
	DemoFooter(&b, scenario.DemoResult{Mode: "events", Jaeger: true}, ".run/bin/flowctl")
	if want := "\nThe events stack keeps running: see an order's trace with `.run/bin/flowctl trace <order id> --mode events` or in `.run/bin/flowctl dashboard` (click an order); `.run/bin/flowctl down` stops everything.\n"; b.String() != want {
		t.Errorf("with Jaeger but no UI (native): %q", b.String())
	}
	b.Reset()
	DemoFooter(&b, scenario.DemoResult{Mode: "sync"}, "bin/flowctl")
	if want := "\nThe sync stack keeps running; `bin/flowctl down` stops everything.\n"; b.String() != want {
		t.Errorf("without: %q", b.String())
	}
}

// TestWaterfallLines: the lines are Waterfall's output, split, without the
// closing newline.
func TestWaterfallLines(t *testing.T) {
	inv := loadInvestigation(t, "child-confirmed.json")
	var whole bytes.Buffer
	Waterfall(&whole, inv, 48, false)
	lines := WaterfallLines(48, false)(inv)
	if strings.Join(lines, "\n")+"\n" != whole.String() || len(lines) < 3 {
		t.Errorf("lines:\n%s\nwaterfall:\n%s", strings.Join(lines, "\n"), whole.String())
	}
}
