package dashboard

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/browser"
	"github.com/orderflow/flowctl/internal/scenario"
)

// A scenario's verdict box shows every row of every mode, at 100 %, 150 %
// and 200 % zoom: issue 20 found it clipping its rows (a box of 45 % of the
// screen, the rest behind a scroll bar). Three modes, fourteen metrics each,
// with long labels; screenshots as in TestLayoutAtEveryZoom.
func TestVerdictsShowEveryRowAtEveryZoom(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium; skipped with -short")
	}
	exe := browser.Require(t, os.Getenv)
	srv, base, _ := threeStackServer(t)
	run := &scenario.Run{Scenario: "downstream-down", Claim: "events keep accepting orders while inventory-svc is down; sync fails them"}
	for _, mode := range []string{"sync", "events", "saga"} {
		o := scenario.Outcome{Scenario: run.Scenario, Mode: mode, Holds: mode != "sync",
			Verdict: mode + ": 20 of 20 orders accepted while inventory-svc was down for 3 s; all CONFIRMED within 4.2 s of its return", TookMS: 8123}
		for i := range 14 {
			o.Metrics = append(o.Metrics, scenario.Metric{Key: scenario.MetricKey(fmt.Sprintf("m%d", i)),
				Label: fmt.Sprintf("time to consistency of the orders placed while the service was down, metric %d", i), Value: 1234.5 * float64(i+1), Unit: "ms"})
		}
		run.Outcomes = append(run.Outcomes, o)
	}
	p, err := browser.Launch(context.Background(), browser.Options{ExecPath: exe, Dir: browser.ShotDir(t, os.Getenv("DASHBOARD_SCREENSHOTS")), Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	// The last run, as a finished scenario leaves it: a page gets it when its
	// stream connects (publishing it could come before the page listens).
	srv.scen.mu.Lock()
	srv.scen.final = &ScenarioEvent{Name: run.Scenario, Modes: []string{"sync", "events", "saga"}, Phase: "done", Run: run, Started: time.Now()}
	srv.scen.mu.Unlock()
	must(t, p.Open(base+"/?view=normal"))
	must(t, p.Until(browser.Wait{What: "the verdicts of three modes", Cond: `document.querySelectorAll(".verdict tr").length === 42`, Show: `[data-widget="scenario-result"]`, Within: 10 * time.Second}))
	// Each row lies whole inside the box, and the box inside nothing that clips it.
	rowsShown := `(() => {
	  const box = document.querySelector('[data-widget="scenario-result"]').getBoundingClientRect();
	  return Array.from(document.querySelectorAll(".verdict tr")).every(tr => { const r = tr.getBoundingClientRect();
	    return r.height > 0 && r.top >= box.top - 1 && r.bottom <= box.bottom + 1; }) &&
	    document.querySelector('[data-widget="scenario-result"]').scrollHeight <= document.querySelector('[data-widget="scenario-result"]').clientHeight + 1;
	})()`
	for _, zoom := range []float64{1, 1.5, 2} {
		must(t, p.Zoom(zoom))
		must(t, p.ScrollTo(`[data-widget="scenario-result"]`))
		must(t, p.Until(browser.Wait{What: fmt.Sprintf("every verdict row shown whole at %g%%", zoom*100), Cond: rowsShown, Show: `[data-widget="scenario-result"]`, Within: 5 * time.Second}))
		if _, err := p.Screenshot(fmt.Sprintf("verdicts %d", int(zoom*100))); err != nil {
			t.Error(err)
		}
		faults, err := p.Overflows()
		must(t, err)
		if len(faults) > 0 {
			t.Errorf("verdicts at %g%%: %d layout faults:\n%s", zoom*100, len(faults), strings.Join(faults, "\n"))
		}
	}
}
