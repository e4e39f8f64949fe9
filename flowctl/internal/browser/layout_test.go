package browser

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// layoutPage is laid out cleanly at 1280 px; ?bad adds each fault the
// check must find: a word cut with an ellipsis, a box scrolling sideways, a
// link lying over a button, a bar past the viewport's edge, a chart's label past the chart's.
const layoutPage = `<!doctype html><html><head><style>
body { margin: 0; font: 16px sans-serif; }
.cut { width: 80px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.scroll { width: 80px; white-space: nowrap; overflow-x: auto; }
.over { position: absolute; left: 0; top: 0; }
.wide { width: 2000px; height: 4px; background: red; }
.list { height: 40px; overflow-y: auto; } .list button { display: block; height: 30px; }
</style></head><body>
<button>Run on both</button>
<div class="list"><button>row 1</button><button>row 2, scrolled out of view</button></div>
<button>under the list</button>
<div class="fits">CONFIRMED</div>
BAD
</body></html>`

const layoutFaults = `<div class="cut">CONFIRMED CONFIRMED</div>
<div class="scroll">max 11.67 s max 11.67 s</div>
<a class="over" href="#">latest compare report</a>
<div class="wide"></div>
<svg width="100" height="40"><text x="60" y="20">500 ms tick</text></svg>`

func TestOverflowsFindsWhatIsCutAndNothingElse(t *testing.T) {
	p := launch(t, 5*time.Second)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		bad := ""
		if r.URL.Query().Has("bad") {
			bad = layoutFaults
		}
		_, _ = w.Write([]byte(strings.Replace(layoutPage, "BAD", bad, 1)))
	}))
	defer srv.Close()

	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(p.Open(srv.URL + "/"))
	got, err := p.Overflows()
	must(err)
	if len(got) != 0 {
		t.Errorf("a clean page (a button scrolled out of its list included): %d findings:\n%s", len(got), strings.Join(got, "\n"))
	}
	must(p.Open(srv.URL + "/?bad"))
	got, err = p.Overflows()
	must(err)
	all := strings.Join(got, "\n")
	for _, want := range []string{
		`"CONFIRMED CONFIRMED": content`, "cut with an ellipsis",
		`"max 11.67 s max 11.67 s": content`, "overflow-x auto",
		`button "Run on both" overlaps a[class="over"] "latest compare report"`,
		"the page scrolls sideways", `div[class="wide"]: reaches 2000 px`,
		`svg text "500 ms tick": cut by its chart`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("the faulty page: no finding says %q; findings:\n%s", want, all)
		}
	}
	// Zoomed to 200 %, a 640 px wide viewport: the clean page still fits.
	must(p.Zoom(2))
	must(p.Open(srv.URL + "/"))
	w, err := Eval[int](p, "document.documentElement.clientWidth")
	must(err)
	if w != ViewportWidth/2 {
		t.Errorf("at 200%% the viewport is %d CSS px wide, want %d", w, ViewportWidth/2)
	}
	if got, err = p.Overflows(); err != nil || len(got) != 0 {
		t.Errorf("the clean page at 200%%: %v %q", err, got)
	}
}

// screenPage fits a 1280×720 screen; ?bad adds a chart reaching 130 px
// past the bottom edge, as the presenter view's events column did.
const screenPage = `<!doctype html><html><head><style>
body { margin: 0; font: 16px sans-serif; } .col { height: 600px; }
.list { height: 40px; overflow-y: auto; } .list div { height: 30px; }
.chart { height: 250px; }
</style></head><body><div class="col"><b>placement</b>
<div class="list"><div>row 1</div><div>row 2</div><div>row 3, scrolled out of view</div></div></div>
BAD
</body></html>`

func TestOutsideViewportFindsWhatIsOffTheScreen(t *testing.T) {
	p := launch(t, 5*time.Second)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		bad := ""
		if r.URL.Query().Has("bad") {
			bad = `<svg class="chart" width="300"><circle cx="10" cy="10" r="5"/></svg>`
		}
		_, _ = w.Write([]byte(strings.Replace(screenPage, "BAD", bad, 1)))
	}))
	defer srv.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(p.Open(srv.URL + "/"))
	if got, err := p.OutsideViewport(); err != nil || len(got) != 0 {
		t.Errorf("a page that fits (a row scrolled out of its list included): %v, %d findings:\n%s", err, len(got), strings.Join(got, "\n"))
	}
	must(p.Open(srv.URL + "/?bad"))
	got, err := p.OutsideViewport()
	must(err)
	all := strings.Join(got, "\n")
	for _, want := range []string{"the page scrolls down: 854 px of content in a 720 px viewport", `svg[class="chart"]: past the viewport's bottom by 130 px`} {
		if !strings.Contains(all, want) {
			t.Errorf("the page too tall: no finding says %q; findings:\n%s", want, all)
		}
	}
	if strings.Contains(all, "row 3") {
		t.Errorf("a row scrolled out of its list is judged:\n%s", all)
	}
}
