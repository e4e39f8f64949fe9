package browser

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// page is a stand-in for the dashboard: a column with a place button that
// adds a PENDING row, a confirm button that confirms it, a select whose
// choice the page echoes, and a button that a later layer covers.
const testPage = `<!doctype html><html><head><title>harness</title></head><body>
<section data-mode="sync">
  <button data-action="place-one">Place</button>
  <button data-action="confirm">Confirm</button>
  <button data-action="throw">Throw</button>
  <select name="service"><option value="order-svc">order</option><option value="inventory-svc">inventory</option></select>
  <div data-widget="orders"></div>
  <div data-widget="flips" data-state="on"></div>
</section>
%s
<script>
const col = document.querySelector('section[data-mode="sync"]');
const orders = col.querySelector('[data-widget="orders"]');
col.querySelector('[data-action="place-one"]').addEventListener('click', () => {
  const row = document.createElement('div');
  row.dataset.orderId = 'o' + (orders.children.length + 1);
  row.dataset.status = 'PENDING';
  row.textContent = row.dataset.orderId + ' PENDING';
  orders.appendChild(row);
  fetch('/api/placed');
});
col.querySelector('[data-action="confirm"]').addEventListener('click', () => {
  for (const r of orders.children) { r.dataset.status = 'CONFIRMED'; r.textContent = r.dataset.orderId + ' CONFIRMED'; }
});
col.querySelector('select[name="service"]').addEventListener('change', e => { col.dataset.chosen = e.target.value; });
document.addEventListener('click', e => { if (e.target.dataset.action === 'throw') undefinedThing.x = 1; });
setTimeout(() => { col.querySelector('[data-widget="flips"]').dataset.state = 'off'; }, 300);
</script></body></html>`

func serve(t *testing.T, extra string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			fmt.Fprintf(w, testPage, extra)
		default:
			w.WriteHeader(http.StatusNoContent)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func launch(t *testing.T, actionTimeout time.Duration) *Page {
	t.Helper()
	if testing.Short() {
		t.Skip("starts Chromium; skipped with -short")
	}
	exe := Require(t, os.Getenv)
	p, err := Launch(context.Background(), Options{ExecPath: exe, Dir: t.TempDir(), Logf: t.Logf, ActionTimeout: actionTimeout})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

func TestPageDrivesAndWaits(t *testing.T) {
	p := launch(t, 5*time.Second)
	srv := serve(t, "")
	if err := p.Open(srv.URL); err != nil {
		t.Fatal(err)
	}
	const col = `section[data-mode="sync"]`
	row := col + ` [data-widget="orders"] [data-order-id="o1"]`

	t.Run("click, then wait for a state", func(t *testing.T) {
		if err := p.Click(col + ` button[data-action="place-one"]`); err != nil {
			t.Fatal(err)
		}
		pending := Wait{What: "o1 is PENDING", Cond: AttrIs(row, "data-status", "PENDING"), Show: col, Within: 30 * time.Second}
		if err := p.Until(pending); err != nil {
			t.Fatal(err)
		}
		if err := p.Holds(pending, time.Second); err != nil {
			t.Fatalf("nothing confirms o1 but the confirm button, yet: %v", err)
		}
		if err := p.Click(col + ` button[data-action="confirm"]`); err != nil {
			t.Fatal(err)
		}
		if err := p.Until(Wait{What: "o1 is CONFIRMED", Cond: AttrIs(row, "data-status", "CONFIRMED"), Show: col, Within: 30 * time.Second}); err != nil {
			t.Fatal(err)
		}
		if v, ok, err := p.Attr(row, "data-status"); err != nil || !ok || v != "CONFIRMED" {
			t.Errorf("Attr = %q, %v, %v", v, ok, err)
		}
		if _, ok, err := p.Attr(col+` [data-order-id="o9"]`, "data-status"); err != nil || ok {
			t.Errorf("Attr of a missing element: ok %v, err %v", ok, err)
		}
	})

	t.Run("a wait that times out shows the page and a screenshot", func(t *testing.T) {
		err := p.Until(Wait{What: "o1 is REJECTED", Cond: AttrIs(row, "data-status", "REJECTED"), Show: col + ` [data-widget="orders"]`, Within: time.Second})
		if err == nil {
			t.Fatal("o1 is never REJECTED, yet the wait succeeded")
		}
		msg := err.Error()
		for _, want := range []string{"waited 1s for o1 is REJECTED", `data-order-id="o1"`, `data-status="CONFIRMED"`, "screenshot: "} {
			if !strings.Contains(msg, want) {
				t.Errorf("the failure lacks %q:\n%s", want, msg)
			}
		}
		checkPNG(t, shotPath(t, msg))
	})

	t.Run("a state that does not hold fails", func(t *testing.T) {
		flips := col + ` [data-widget="flips"]`
		err := p.Holds(Wait{What: "flips is on", Cond: AttrIs(flips, "data-state", "on"), Show: flips}, 5*time.Second)
		if err == nil || !strings.Contains(err.Error(), "flips is on stopped being so") || !strings.Contains(err.Error(), `data-state="off"`) {
			t.Fatalf("err = %v", err)
		}
	})

	t.Run("a click on nothing names the selector", func(t *testing.T) {
		err := p.Click(col + ` button[data-action="no-such"]`)
		if err == nil || !strings.Contains(err.Error(), `button[data-action="no-such"]`) {
			t.Fatalf("err = %v", err)
		}
	})

	t.Run("fields fire change events; unknown options are refused", func(t *testing.T) {
		sel := col + ` select[name="service"]`
		if err := p.SetField(sel, "inventory-svc"); err != nil {
			t.Fatal(err)
		}
		if err := p.Until(Wait{What: "the page saw the choice", Cond: AttrIs(col, "data-chosen", "inventory-svc"), Show: col, Within: 10 * time.Second}); err != nil {
			t.Fatal(err)
		}
		err := p.SetField(sel, "jaeger")
		if err == nil || !strings.Contains(err.Error(), "no option jaeger in order-svc, inventory-svc") {
			t.Fatalf("err = %v", err)
		}
	})

	t.Run("screenshots are 1280x720 PNGs in the page's dir", func(t *testing.T) {
		path, err := p.Screenshot("the page")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(path, p.Dir()) || !strings.HasSuffix(path, "-the-page.png") {
			t.Errorf("path = %s", path)
		}
		if w, h := checkPNG(t, path); w != ViewportWidth || h != ViewportHeight {
			t.Errorf("screenshot is %dx%d, want %dx%d", w, h, ViewportWidth, ViewportHeight)
		}
	})

	t.Run("uncaught exceptions are recorded", func(t *testing.T) {
		if _, err := Eval[bool](p, `undefinedThing.x`); err == nil {
			t.Fatal("an expression that throws evaluated")
		}
		if got := p.Exceptions(); len(got) != 0 {
			t.Fatalf("exceptions before the page threw one (the test's own evaluations do not count): %q", got)
		}
		if err := p.Click(col + ` button[data-action="throw"]`); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(30 * time.Second)
		for len(p.Exceptions()) == 0 && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		got := p.Exceptions()
		if len(got) != 1 || !strings.Contains(got[0], "ReferenceError: undefinedThing is not defined at") || !strings.Contains(got[0], srv.URL+"/") {
			t.Fatalf("exceptions = %q", got)
		}
	})

	t.Run("the requests so far stayed on 127.0.0.1", func(t *testing.T) {
		reqs := p.Requests()
		if !slices.Contains(reqs, srv.URL+"/") || !slices.Contains(reqs, srv.URL+"/api/placed") {
			t.Errorf("the page load and its fetch are not recorded: %q", reqs)
		}
		if out := Outside(reqs); len(out) != 0 {
			t.Errorf("outside 127.0.0.1: %q", out)
		}
	})
}

// TestRecorderCatchesAnOutsideRequest loads a page with an image from
// another loopback address (nothing leaves the machine) and sees the check
// name it.
func TestRecorderCatchesAnOutsideRequest(t *testing.T) {
	p := launch(t, 10*time.Second)
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(serve(t, "").URL, "http://"))
	other := fmt.Sprintf("http://127.0.0.2:%s/pixel.png", port)
	srv := serve(t, fmt.Sprintf(`<img src=%q alt="">`, other))
	if err := p.Open(srv.URL); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for !slices.Contains(Outside(p.Requests()), other) {
		if time.Now().After(deadline) {
			t.Fatalf("the request to %s was not caught; recorded: %q", other, p.Requests())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestOutside(t *testing.T) {
	got := Outside([]string{
		"http://127.0.0.1:8090/",
		"http://127.0.0.1:8090/api/stream",
		"https://127.0.0.1/x",
		"data:image/png;base64,AAAA",
		"blob:http://127.0.0.1:8090/6b1f",
		"http://localhost:8090/",
		"https://fonts.googleapis.com/css",
		"http://127.0.0.2:8090/",
		"blob:https://cdn.example/1",
		"chrome-extension://abc/x.js",
		"http://127.0.0.1.evil.example/",
		"::not a url",
	})
	want := []string{
		"http://localhost:8090/",
		"https://fonts.googleapis.com/css",
		"http://127.0.0.2:8090/",
		"blob:https://cdn.example/1",
		"chrome-extension://abc/x.js",
		"http://127.0.0.1.evil.example/",
		"::not a url",
	}
	if !slices.Equal(got, want) {
		t.Errorf("Outside = %q\nwant %q", got, want)
	}
}

// fakeTB records what Require asks of a test instead of ending it.
type fakeTB struct {
	testing.TB
	fatal, skip string
}

func (f *fakeTB) Helper()                   {}
func (f *fakeTB) Fatalf(s string, a ...any) { f.fatal = fmt.Sprintf(s, a...) }
func (f *fakeTB) Skipf(s string, a ...any)  { f.skip = fmt.Sprintf(s, a...) }

func TestRequire(t *testing.T) {
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	missing := "/nonexistent/chromium"
	f := &fakeTB{TB: t}
	Require(f, env("CHROMIUM", missing, "REQUIRE_BROWSER", "1"))
	if !strings.Contains(f.fatal, "REQUIRE_BROWSER=1 but no Chromium found: CHROMIUM="+missing) || f.skip != "" {
		t.Errorf("REQUIRE_BROWSER=1 without a browser: fatal %q, skip %q", f.fatal, f.skip)
	}
	f = &fakeTB{TB: t}
	Require(f, env("CHROMIUM", missing))
	if f.fatal != "" || !strings.Contains(f.skip, "REQUIRE_BROWSER=1 turns this skip into a failure") || strings.Contains(f.skip, "\n") {
		t.Errorf("no browser, not required: fatal %q, skip %q", f.fatal, f.skip)
	}
	f = &fakeTB{TB: t}
	if got := Require(f, env("CHROMIUM", "/bin/sh", "REQUIRE_BROWSER", "1")); got != "/bin/sh" || f.fatal != "" || f.skip != "" {
		t.Errorf("an executable CHROMIUM: got %q, fatal %q, skip %q", got, f.fatal, f.skip)
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"the sync order is CONFIRMED": "the-sync-order-is-confirmed",
		"  (1) load the page — both":  "1-load-the-page-both",
		"TestDashboard/step_2":        "testdashboard-step-2",
	} {
		if got := slug(in); got != want {
			t.Errorf("slug(%q) = %q, want %q", in, got, want)
		}
	}
}

func shotPath(t *testing.T, msg string) string {
	t.Helper()
	_, rest, ok := strings.Cut(msg, "screenshot: ")
	if !ok {
		t.Fatalf("no screenshot in %q", msg)
	}
	path, _, _ := strings.Cut(rest, "\n")
	return path
}

func checkPNG(t *testing.T, path string) (w, h int) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s is not a PNG: %v", path, err)
	}
	return cfg.Width, cfg.Height
}
