package dashboard

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/browser"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// TestLayoutAtEveryZoom drives the page in headless Chromium with three
// fake stacks (sync, events and events-orchestration, under their real
// titles; the third slow: its rows say +1.23 s) and checks both views — normal and presenter — at 100 %, 150 % and 200 %
// browser zoom on a 1280×720 screen: every column shown, nothing cut,
// nothing past the viewport's edge, no two controls on each other
// (browser.Overflows), one y-scale across the columns with the outlier
// marked, the presenter's headline figures at least twice the normal
// size, and the presenter view at 100 % all on the one screen
// (browser.OutsideViewport). Each view and zoom leaves a screenshot, NN-<view>-<zoom>.png, in the
// test's temp dir, or under $DASHBOARD_SCREENSHOTS when set (a path; the
// lead records them under docs/runs/ with it). No Chromium: a skip, or a
// failure with REQUIRE_BROWSER=1.
func TestLayoutAtEveryZoom(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium; skipped with -short")
	}
	exe := browser.Require(t, os.Getenv)
	_, base, fakes := threeStackServer(t)
	placeOrders(t, base, fakes)
	dir := browser.ShotDir(t, os.Getenv("DASHBOARD_SCREENSHOTS"))
	p, err := browser.Launch(context.Background(), browser.Options{ExecPath: exe, Dir: dir, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	normalSize := 0.0
	for _, view := range []string{"normal", "presenter"} {
		for _, zoom := range []float64{1, 1.5, 2} {
			name := fmt.Sprintf("%s %d%%", view, int(zoom*100))
			t.Run(name, func(t *testing.T) {
				must(t, p.Zoom(zoom))
				must(t, p.Open(base+"/?view="+view))
				awaitChartsDrawn(t, p)
				if _, err := p.Screenshot(view + " " + fmt.Sprint(int(zoom*100))); err != nil {
					t.Error(err)
				}
				checkLayout(t, p)
				if view == "presenter" && zoom == 1 {
					checkOnOneScreen(t, p)
				}
				if got, err := browser.Eval[string](p, `document.querySelector('button[data-action="run-scenario"]').textContent`); err != nil || got != "Run on all 3" {
					t.Errorf("the scenario button says %q (%v), want %q with three stacks", got, err, "Run on all 3")
				}
				checkTitles(t, p)
				size := headlineSize(t, p)
				if view == "normal" && zoom == 1 {
					normalSize = size
				}
				if view == "presenter" && size < 2*normalSize {
					t.Errorf("presenter headline figures are %.1f px, the normal view's %.1f px: want twice or more", size, normalSize)
				}
			})
		}
	}
	t.Run("the choice of view is remembered", func(t *testing.T) {
		must(t, p.Zoom(1))
		must(t, p.Open(base+"/?view=normal"))
		must(t, p.Click(`[data-role="view-toggle"]`))
		must(t, p.Open(base+"/"))
		must(t, p.Until(browser.Wait{What: "the presenter view after a reload", Cond: `document.body.classList.contains("presenter")`, Show: "header", Within: 5 * time.Second}))
		must(t, p.Click(`[data-role="view-toggle"]`))
		must(t, p.Open(base+"/"))
		must(t, p.Until(browser.Wait{What: "the normal view after toggling back and a reload", Cond: `!document.body.classList.contains("presenter")`, Show: "header", Within: 5 * time.Second}))
	})
	t.Run("?order=<mode>/<id> opens that order's detail in the normal view", func(t *testing.T) {
		id := "00000000-0000-4000-8000-000000000002"
		must(t, p.Open(base+"/?view=presenter&order=events-orchestration%2F"+id))
		must(t, p.Until(browser.Wait{What: "the detail of events-orchestration order " + id, Cond: `!document.body.classList.contains("presenter") && !document.querySelector('[data-role="selected"]').hidden &&
		  document.querySelector('[data-role="where-title"]').textContent.includes("00000000 (events-orchestration)")`, Show: `[data-role="selected"]`, Within: 10 * time.Second}))
	})
	if errs := p.Exceptions(); len(errs) != 0 {
		t.Errorf("the page threw: %q", errs)
	}
}

// threeStackServer is a dashboard of three fake stacks with a compare
// report (so the header shows its link): the server, its URL and the fakes.
// The third (events-orchestration) is slow: its steps come seconds after placement.
func threeStackServer(t *testing.T) (*Server, string, map[stackmode.Mode]*fakeStack) {
	t.Helper()
	reports := t.TempDir()
	must(t, os.MkdirAll(filepath.Join(reports, "run1"), 0o755))
	must(t, os.WriteFile(filepath.Join(reports, "run1", reportFile), []byte("<p>report</p>"), 0o644))
	third := newFakeStack(t, testToken)
	third.stepScale = 30 // confirmed after 1230 ms
	srv, hs, fakes := newTestServerWith(t, testToken, 100*time.Millisecond, func(c *Config) {
		c.Stacks = append(c.Stacks, Stack{Mode: stackmode.Orchestration, URLs: third.urls()})
		c.Reports = []string{reports}
	})
	fakes[stackmode.Orchestration] = third
	return srv, hs.URL, fakes
}

// placeOrders places eight orders on every stack, one of the events
// stack's answering after 2.5 s: an outlier above 1.5 × the p95 (the slow
// stack's 1230 ms) that the shared scale must clip and mark.
func placeOrders(t *testing.T, base string, fakes map[stackmode.Mode]*fakeStack) {
	t.Helper()
	slow := fakes[stackmode.Events]
	for i := range 8 {
		slow.mu.Lock()
		slow.placeDelay = map[bool]time.Duration{true: 2500 * time.Millisecond}[i == 3]
		slow.mu.Unlock()
		if status, _, body := call(t, http.MethodPost, base+"/api/orders", map[string]any{"mode": "both"}); status != http.StatusCreated {
			t.Fatalf("POST /api/orders = %d: %s", status, body)
		}
	}
}

// awaitChartsDrawn waits until each of the three columns charts its eight
// orders on one scale, clipped, the outlier marked with its value.
func awaitChartsDrawn(t *testing.T, p *browser.Page) {
	t.Helper()
	drawn := `(() => {
	  const cols = document.querySelectorAll("section[data-mode]");
	  const scales = Array.from(document.querySelectorAll('[data-role="chart-scale"]'), e => e.dataset.top + "/" + e.dataset.clipped);
	  const marks = Array.from(document.querySelectorAll(".chart .clipped"), e => e.textContent);
	  return cols.length === 3 && Array.from(cols).every(c => c.querySelectorAll(".chart circle.ttc").length === 8) &&
	    new Set(scales).size === 1 && scales[0].endsWith("/true") && marks.length === 1 && /^▲\u00a02\.[5-9]\u00a0s$/.test(marks[0]);
	})()`
	must(t, p.Until(browser.Wait{What: "three charts of 8 orders on one clipped scale, the 2.5 s outlier marked", Cond: drawn, Show: "main", Within: 20 * time.Second}))
}

// checkLayout fails on anything cut, past the edge or overlapping, and on a
// column not shown.
func checkLayout(t *testing.T, p *browser.Page) {
	t.Helper()
	got, err := p.Overflows()
	must(t, err)
	if len(got) > 0 {
		t.Errorf("%d layout faults:\n%s", len(got), strings.Join(got, "\n"))
	}
	shown, err := browser.Eval[int](p, `Array.from(document.querySelectorAll("section[data-mode]")).filter(s => s.getBoundingClientRect().width > 200).length`)
	must(t, err)
	if shown != 3 {
		t.Errorf("%d of 3 columns shown at least 200 px wide", shown)
	}
}

// checkTitles: each column titled by its stack, in the server's order, and
// the broker's buttons in the two events columns only, saying they share it.
func checkTitles(t *testing.T, p *browser.Page) {
	t.Helper()
	got, err := browser.Eval[string](p, `Array.from(document.querySelectorAll('section[data-mode]'), s => s.querySelector('[data-role="title"]').textContent + "/" +
	  s.querySelectorAll('button[data-action="stop-broker"][title*="one broker serves events and events-orchestration"]').length).join(" | ")`)
	must(t, err)
	if want := "sync/0 | events · choreography/1 | events · orchestration/1"; got != want {
		t.Errorf("column titles/shared-broker buttons %q, want %q", got, want)
	}
}

// checkOnOneScreen fails on anything of the page off the 1280×720 screen:
// the presenter view at 100 % is one projector's screen, without scrolling.
func checkOnOneScreen(t *testing.T, p *browser.Page) {
	t.Helper()
	got, err := p.OutsideViewport()
	must(t, err)
	if len(got) > 0 {
		t.Errorf("%d things off the screen:\n%s", len(got), strings.Join(got, "\n"))
	}
}

// headlineSize is the font size of the first column's placement p50, in px.
func headlineSize(t *testing.T, p *browser.Page) float64 {
	t.Helper()
	v, err := browser.Eval[float64](p, `parseFloat(getComputedStyle(document.querySelector('[data-figure="placement-p50"]')).fontSize)`)
	must(t, err)
	return v
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
