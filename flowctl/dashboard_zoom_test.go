package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/browser"
)

// The layout step of TestDashboardBrowser, on real stacks: both views at
// 100 %, 150 % and 200 % browser zoom (browser.Zoom), each screenshotted
// (NN-<view>-<zoom>.png beside the other steps' shots: the test's temp dir,
// or $DASHBOARD_SCREENSHOTS) and checked by browser.Overflows: nothing cut,
// nothing past the viewport's edge, no two controls overlapping; every
// column shown, the charts on one y-scale, and the presenter's headline
// figures at least twice the normal view's size; the presenter view at
// 100 % all on the one screen, without scrolling (browser.OutsideViewport). It leaves the page at
// 100 % in the normal view.
func checkViewsAtEveryZoom(t *testing.T, p *browser.Page, url string) {
	normal := 0.0
	for _, view := range []string{"normal", "presenter"} {
		for _, zoom := range []float64{1, 1.5, 2} {
			must(t, p.Zoom(zoom))
			must(t, p.Open(url+"?view="+view))
			must(t, p.Until(browser.Wait{What: view + " view drawn at " + fmt.Sprint(zoom*100) + "%", Cond: chartsOnOneScale, Show: "main", Within: 30 * time.Second}))
			shot(t, p, fmt.Sprintf("%s %d", view, int(zoom*100)))
			faults, err := p.Overflows()
			must(t, err)
			if len(faults) > 0 {
				t.Errorf("%s view at %g%%: %d layout faults:\n%s", view, zoom*100, len(faults), strings.Join(faults, "\n"))
			}
			if view == "presenter" && zoom == 1 {
				offscreen, err := p.OutsideViewport()
				must(t, err)
				if len(offscreen) > 0 {
					t.Errorf("presenter view at 100%%: %d things off the 1280×720 screen:\n%s", len(offscreen), strings.Join(offscreen, "\n"))
				}
			}
			size, err := browser.Eval[float64](p, `parseFloat(getComputedStyle(document.querySelector('[data-figure="placement-p50"]')).fontSize)`)
			must(t, err)
			if view == "normal" && zoom == 1 {
				normal = size
			}
			if view == "presenter" && size < 2*normal {
				t.Errorf("presenter headline figures %.1f px, normal %.1f px: want twice or more", size, normal)
			}
		}
	}
	must(t, p.Zoom(1))
	must(t, p.Open(url+"?view=normal"))
	// The next steps act on the columns: wait until the page built them again.
	must(t, p.Until(browser.Wait{What: "the columns back, their stacks up", Cond: `(cols => cols.length >= 2 && cols.every(s => s.dataset.up === "true"))(Array.from(document.querySelectorAll("section[data-mode]")))`,
		Show: "main", Within: 30 * time.Second}))
}

// chartsOnOneScale: every column shown (200 px wide at least), each chart
// drawn, all with the same top.
const chartsOnOneScale = `(() => {
  const cols = Array.from(document.querySelectorAll("section[data-mode]"));
  const tops = Array.from(document.querySelectorAll('[data-role="chart-scale"]'), e => e.dataset.top);
  return cols.length >= 2 && cols.every(c => c.getBoundingClientRect().width >= 200 && c.querySelector(".chart circle")) &&
    tops.length === cols.length && tops[0] !== "" && new Set(tops).size === 1;
})()`

// chartsFitTheirBoxes: each chart drawn in the pixels it is shown at (the
// charts redraw shortly after the view changes their size).
const chartsFitTheirBoxes = `Array.from(document.querySelectorAll("svg.chart")).every(c =>
  c.viewBox.baseVal.height === Math.max(Math.round(c.getBoundingClientRect().height), 60))`

// presenterPath is where the presenter view's screenshot goes beside the
// normal one: docs/dashboard.png → docs/dashboard-presenter.png.
func presenterPath(normal string) string {
	ext := filepath.Ext(normal)
	return strings.TrimSuffix(normal, ext) + "-presenter" + ext
}

// checkPresenterAfterSteps shows the presenter view at 100 % once the
// events column holds FAILED and CANCELLED orders beside CONFIRMED ones:
// still all on the one screen, and its time to consistency counts the
// CONFIRMED orders only (a FAILED one is final at once), saying that n in
// both its p50 and its tail. It leaves the page in the normal view.
func checkPresenterAfterSteps(t *testing.T, p *browser.Page, url string) {
	must(t, p.Open(url+"?view=presenter"))
	must(t, p.Until(browser.Wait{What: "the presenter view drawn", Cond: chartsOnOneScale + " && " + chartsFitTheirBoxes, Show: "main", Within: 30 * time.Second}))
	must(t, p.Until(browser.Wait{What: "each column's time to consistency over its CONFIRMED orders only, n said, fewer than its orders in events", Cond: ttcCountsConfirmed, Show: "main", Within: 30 * time.Second}))
	shot(t, p, "presenter after the steps")
	offscreen, err := p.OutsideViewport()
	must(t, err)
	if len(offscreen) > 0 {
		t.Errorf("presenter view at 100%%: %d things off the 1280×720 screen:\n%s", len(offscreen), strings.Join(offscreen, "\n"))
	}
	must(t, p.Open(url+"?view=normal"))
}

// ttcCountsConfirmed: in every column the n of "to consistent" (p50 and
// tail) is its count of CONFIRMED orders, and the events column, which has
// failed and cancelled orders too, counts more orders than that.
const ttcCountsConfirmed = `(() => {
  const n = (sec, fig) => { const m = /\(n=(\d+)\)/.exec(sec.querySelector('[data-figure="' + fig + '"]').textContent); return m ? +m[1] : -1; };
  const cols = Array.from(document.querySelectorAll("section[data-mode]"));
  return cols.length >= 2 && cols.every(sec => {
    const st = sec.querySelector('[data-role="by-status"] .CONFIRMED');
    const confirmed = st ? +st.textContent.replace(/\D/g, "") : 0;
    const orders = +sec.querySelector('[data-figure="orders-n"]').dataset.value;
    return confirmed > 0 && n(sec, "ttc-p50") === confirmed && n(sec, "ttc-p99") === confirmed &&
      (sec.dataset.mode !== "events" || orders > confirmed);
  });
})()`
