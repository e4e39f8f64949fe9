// Package browser drives a headless Chromium for the dashboard's browser
// tests: it starts the system's Chromium (nothing is downloaded), records
// every request the page makes, takes screenshots into a directory, and waits
// by polling the page with failures that show the HTML they looked at.
//
// It is test support, imported by _test files only: so it reads CHROMIUM and
// REQUIRE_BROWSER from the getenv its tests hand it, outside stack.Stacks
// (scripts/check-env.sh skips this directory).
package browser

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Viewport is the window the tests use: a projector's 1280×720.
const (
	ViewportWidth  = 1280
	ViewportHeight = 720
)

// ErrNoBrowser says no Chromium was found to drive.
var ErrNoBrowser = errors.New("no Chromium found")

// Find names the Chromium to drive: $CHROMIUM when set, else the first of
// chromium, chromium-browser, google-chrome on PATH.
func Find(getenv func(string) string) (string, error) {
	if p := getenv("CHROMIUM"); p != "" {
		if _, err := exec.LookPath(p); err != nil {
			return "", fmt.Errorf("%w: CHROMIUM=%s is not an executable (%v)", ErrNoBrowser, p, err)
		}
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("%w on PATH (install it: apt-get install chromium; or set CHROMIUM)", ErrNoBrowser)
}

// Options say which Chromium to start and where its files go.
type Options struct {
	// ExecPath is the browser binary (see Find).
	ExecPath string
	// Dir receives the screenshots and chromium.log, the browser's output.
	// (The profile is a temp dir of its own that Close removes.)
	Dir string
	// Logf reports each screenshot's path (t.Logf in a test).
	Logf func(format string, args ...any)
	// ActionTimeout bounds one click or field change; 0 means 30 s.
	ActionTimeout time.Duration
}

// Page is one tab of a headless Chromium that Launch started.
type Page struct {
	ctx     context.Context
	cancel  context.CancelFunc
	opts    Options
	log     *os.File
	reqs    *recorder
	errs    *recorder
	shotsMu sync.Mutex
	shots   int
}

// Launch starts Chromium headless (--headless --no-sandbox --disable-gpu) in
// a 1280×720 window and opens a blank tab that records every request and
// every uncaught JavaScript exception. Close stops it.
func Launch(ctx context.Context, o Options) (*Page, error) {
	if o.ActionTimeout == 0 {
		o.ActionTimeout = 30 * time.Second
	}
	if o.Logf == nil {
		o.Logf = func(string, ...any) {}
	}
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return nil, err
	}
	logFile, err := os.Create(filepath.Join(o.Dir, "chromium.log"))
	if err != nil {
		return nil, err
	}
	allocOpts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(o.ExecPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.WindowSize(ViewportWidth, ViewportHeight),
		chromedp.CombinedOutput(logFile),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, allocOpts...)
	tabCtx, cancelTab := chromedp.NewContext(allocCtx)
	p := &Page{
		ctx:    tabCtx,
		opts:   o,
		log:    logFile,
		reqs:   &recorder{},
		errs:   &recorder{},
		cancel: func() { cancelTab(); cancelAlloc() },
	}
	// The first Run starts the browser; it must not carry a timeout, so the
	// launch is bounded by watching it instead.
	started := make(chan error, 1)
	// The window's size includes what headless Chromium counts as its frame
	// (the viewport came out 1280×577); the page gets the full 1280×720.
	go func() { started <- chromedp.Do(tabCtx, chromedp.EmulateViewport(ViewportWidth, ViewportHeight)) }()
	select {
	case err = <-started:
	case <-time.After(2 * time.Minute):
		err = errors.New("Chromium did not open a tab within 2m")
	}
	if err == nil {
		err = chromedp.Listen(tabCtx, func(ev any) {
			switch ev := ev.(type) {
			case *network.EventRequestWillBeSent:
				if ev.Request != nil {
					p.reqs.add(ev.Request.URL)
				}
			case *runtime.EventExceptionThrown:
				p.errs.add(exceptionText(ev.ExceptionDetails))
			}
		})
	}
	if err != nil {
		p.Close()
		return nil, fmt.Errorf("start %s: %w (its output: %s)", o.ExecPath, err, logFile.Name())
	}
	return p, nil
}

// Close stops the browser and waits until it is gone.
func (p *Page) Close() {
	p.cancel()
	_ = p.log.Close()
}

// Dir is where the screenshots go.
func (p *Page) Dir() string { return p.opts.Dir }

// Requests lists the URL of every request the page has made so far, in order.
func (p *Page) Requests() []string { return p.reqs.all() }

// Exceptions lists the page's uncaught JavaScript exceptions so far (in
// event handlers and promises too), each as its message and where it was
// thrown; a working page has none.
func (p *Page) Exceptions() []string { return p.errs.all() }

func exceptionText(d *runtime.ExceptionDetails) string {
	if d == nil {
		return "an exception without details"
	}
	msg := d.Text
	if d.Exception != nil && d.Exception.Description != "" {
		msg, _, _ = strings.Cut(d.Exception.Description, "\n")
	}
	if d.StackTrace != nil && len(d.StackTrace.CallFrames) > 0 {
		f := d.StackTrace.CallFrames[0]
		return fmt.Sprintf("%s at %s (%s:%d:%d)", msg, f.FunctionName, f.URL, f.LineNumber+1, f.ColumnNumber+1)
	}
	return fmt.Sprintf("%s at %s:%d:%d", msg, d.URL, d.LineNumber+1, d.ColumnNumber+1)
}

// recorder keeps what Chromium's event loop appends: request URLs,
// exceptions.
type recorder struct {
	mu   sync.Mutex
	urls []string
}

func (r *recorder) add(u string) {
	r.mu.Lock()
	r.urls = append(r.urls, u)
	r.mu.Unlock()
}

func (r *recorder) all() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.urls...)
}
