package browser

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Wait is a state of the page to wait for: a JavaScript expression true in
// that state, what it means in words, and which part of the page to show
// when it does not come.
type Wait struct {
	// What the state means, for the failure message: "the sync order is CONFIRMED".
	What string
	// Cond is a JavaScript expression that evaluates to true in that state.
	Cond string
	// Show is a CSS selector of the elements whose HTML a failure prints.
	Show string
	// Within bounds the wait; generous, since the machine may be busy.
	Within time.Duration
}

// pollEvery is how often a wait asks the page again.
const pollEvery = 250 * time.Millisecond

// Until polls w.Cond until it is true, or fails after w.Within with what it
// waited for, the last evaluation error if any, the HTML of w.Show and a
// screenshot of the moment.
func (p *Page) Until(w Wait) error {
	deadline := time.Now().Add(w.Within)
	var lastErr error
	for {
		ok, err := Eval[bool](p, w.Cond)
		if err == nil && ok {
			return nil
		}
		lastErr = err
		if time.Now().After(deadline) {
			what := fmt.Sprintf("waited %s for %s: not so", w.Within, w.What)
			if lastErr != nil {
				what += fmt.Sprintf(" (the last check failed: %v)", lastErr)
			}
			return p.failure(what, w.Show, slug(w.What))
		}
		select {
		case <-p.ctx.Done():
			return fmt.Errorf("waiting for %s: %w", w.What, p.ctx.Err())
		case <-time.After(pollEvery):
		}
	}
}

// Holds checks that w.Cond stays true for the whole of d, polling; it fails
// the first time it is not, showing w.Show. (w.Within is not used.)
func (p *Page) Holds(w Wait, d time.Duration) error {
	end := time.Now().Add(d)
	for time.Now().Before(end) {
		ok, err := Eval[bool](p, w.Cond)
		if err != nil || !ok {
			what := fmt.Sprintf("%s stopped being so before %s had passed", w.What, d)
			if err != nil {
				what += fmt.Sprintf(" (the check failed: %v)", err)
			}
			return p.failure(what, w.Show, slug(w.What))
		}
		select {
		case <-p.ctx.Done():
			return p.ctx.Err()
		case <-time.After(pollEvery):
		}
	}
	return nil
}

// AttrIs is a condition: the first element sel matches has attribute name
// equal to value.
func AttrIs(sel, name, value string) string {
	return fmt.Sprintf(`(e => e !== null && e.getAttribute(%s) === %s)(document.querySelector(%s))`, Quote(name), Quote(value), Quote(sel))
}

// Present is a condition: at least n elements match sel.
func Present(sel string, n int) string {
	return fmt.Sprintf(`document.querySelectorAll(%s).length >= %d`, Quote(sel), n)
}

// slug makes a file name from words: lower case, runs of anything else
// than letters and digits become one dash.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	out := b.String()
	if len(out) > 60 {
		out = out[:60]
	}
	return out
}

func (p *Page) save(name string, png []byte) (string, error) {
	p.shotsMu.Lock()
	p.shots++
	n := p.shots
	p.shotsMu.Unlock()
	path := filepath.Join(p.opts.Dir, fmt.Sprintf("%02d-%s.png", n, slug(name)))
	if err := writeFile(path, png); err != nil {
		return "", err
	}
	p.opts.Logf("screenshot: %s", path)
	return path, nil
}

func writeFile(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}
