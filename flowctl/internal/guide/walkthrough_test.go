package guide

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/scenario"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stack/stacktest"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// TestTraceOneDrawsTheOrdersTrace is step 3 against a sync stack and a
// Jaeger that has the order's five spans.
func TestTraceOneDrawsTheOrdersTrace(t *testing.T) {
	fixture, err := os.ReadFile("../investigate/testdata/sync-confirmed.json")
	if err != nil {
		t.Fatal(err)
	}
	jaeger := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(fixture) }))
	t.Cleanup(jaeger.Close)
	const traceID = "73740a90c758ab1b31912f0e65fe69db"
	st := fakeStack(t, stackmode.Sync, traceID)
	env := &scenario.Env{
		Targets: map[stackmode.Mode]scenario.Target{stackmode.Sync: scenario.NewTarget(stackmode.Sync, st.URLs, "tok")},
		Jaeger:  api.NewJaeger(jaeger.URL, nil),
	}
	var out bytes.Buffer
	if err := traceOne(context.Background(), env, stackmode.Sync, &out, false, "bin/flowctl"); err != nil {
		t.Fatal(err)
	}
	// Natively Jaeger serves only a placeholder page: no link into it.
	if got := out.String(); strings.Contains(got, "/trace/") || !strings.Contains(got, "`bin/flowctl trace 00000000-0000-4000-8000-000000000001 --mode sync`") {
		t.Errorf("natively the walkthrough should point at flowctl trace:\n%s", got)
	}
	env.JaegerUI = true // Docker
	out.Reset()
	if err := traceOne(context.Background(), env, stackmode.Sync, &out, false, "bin/flowctl"); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"stock for walkthrough-trace:",
		": CONFIRMED; its spans as Jaeger has them:\n\n",
		"total 12 ms · 1 trace, 5 spans\n",
		"\nIn Jaeger: " + stack.JaegerUI + "/trace/" + traceID + "\n",
		"One call stack: every span is a child of the POST /orders the client waited for.\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
}

func TestWalkthroughChecksBeforeBringingUp(t *testing.T) {
	rt := &stacktest.Runtime{UpErr: errors.New("must not come up")}
	set := scenario.Setup{Size: scenario.DefaultSize, Up: stack.UpOptions{Progress: &bytes.Buffer{}}}
	set.Size.Settle = 0
	err := Walkthrough(context.Background(), stacktest.New(t, rt, map[string]string{"ADMIN_TOKEN": "tok"}), stackmode.Sync, set)
	if err == nil || err.Error() != "--settle 0s: use at least 1s" || len(rt.Ups()) != 0 {
		t.Errorf("err = %v, brought up %v", err, rt.Ups())
	}
}

func TestWalkthroughStepsAreRegistered(t *testing.T) {
	for _, s := range walkthroughSteps {
		if _, ok := scenario.Find(s.scenario); !ok {
			t.Errorf("step %q names no scenario", s.scenario)
		}
	}
	for _, m := range stackmode.All {
		if walkthroughIntro[m] == "" {
			t.Errorf("no intro for %s", m)
		}
	}
}

// The closing lines name the flowctl that runs, as typed from the root,
// aligned, with the mode filled in.
func TestTryNextNamesTheFlowctlThatRuns(t *testing.T) {
	var out bytes.Buffer
	printTryNext(&out, ".run/bin/flowctl", stackmode.Events)
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if lines[0] != "Try next (from the repository root):" || len(lines) != len(tryNext)+1 {
		t.Fatalf("try next:\n%s", out.String())
	}
	col := strings.Index(lines[1], "then place orders")
	for _, l := range lines[1:] {
		if !strings.HasPrefix(l, "  .run/bin/flowctl ") || strings.Contains(l, "%") || len(l) < col || l[col-1] != ' ' || l[col] == ' ' {
			t.Errorf("line %q: not `.run/bin/flowctl …` with its note at column %d", l, col)
		}
	}
	if !strings.Contains(out.String(), "order watch --mode events --item SKU-001:1") {
		t.Errorf("mode not filled in:\n%s", out.String())
	}
}
