package browser

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/chromedp/chromedp"
)

// Open loads url and waits for its load event.
func (p *Page) Open(url string) error {
	ctx, cancel := context.WithTimeout(p.ctx, 2*p.opts.ActionTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		return fmt.Errorf("open %s: %w", url, err)
	}
	return nil
}

// Click sends a real mouse click to the centre of the first element sel (a
// CSS selector) matches, once it is visible. A button hidden under another
// element gets no click, as for a user.
func (p *Page) Click(sel string) error {
	ctx, cancel := context.WithTimeout(p.ctx, p.opts.ActionTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		return p.failure(fmt.Sprintf("click %s: %v", sel, err), "body", "click")
	}
	return nil
}

// SetField sets the value of the input or select sel matches and fires the
// input and change events a user's typing or choosing would.
func (p *Page) SetField(sel, value string) error {
	js := fmt.Sprintf(`(() => {
		const e = document.querySelector(%s);
		if (e === null) return "no element matches";
		if (e.tagName === "SELECT" && ![...e.options].some(o => o.value === %s))
			return "no option " + %s + " in " + [...e.options].map(o => o.value).join(", ");
		e.value = %s;
		e.dispatchEvent(new Event("input", {bubbles: true}));
		e.dispatchEvent(new Event("change", {bubbles: true}));
		return "";
	})()`, Quote(sel), Quote(value), Quote(value), Quote(value))
	problem, err := Eval[string](p, js)
	if err == nil && problem != "" {
		err = fmt.Errorf("%s", problem)
	}
	if err != nil {
		return fmt.Errorf("set %s to %q: %w", sel, value, err)
	}
	return nil
}

// Attr reads attribute name of the first element sel matches; ok is false
// when no element matches or it lacks the attribute.
func (p *Page) Attr(sel, name string) (value string, ok bool, err error) {
	v, err := Eval[*string](p, fmt.Sprintf(`(e => e === null ? null : e.getAttribute(%s))(document.querySelector(%s))`, Quote(name), Quote(sel)))
	if err != nil || v == nil {
		return "", false, err
	}
	return *v, true, nil
}

// HTML returns the outer HTML of every element sel matches, cut to max
// bytes; what a failure shows of the page.
func (p *Page) HTML(sel string, max int) string {
	s, err := Eval[string](p, fmt.Sprintf(`[...document.querySelectorAll(%s)].map(e => e.outerHTML).join("\n")`, Quote(sel)))
	if err != nil {
		return fmt.Sprintf("(could not read %s: %v)", sel, err)
	}
	if s == "" {
		return "(nothing matches " + sel + ")"
	}
	if len(s) > max {
		s = s[:max] + fmt.Sprintf("… (%d more bytes)", len(s)-max)
	}
	return s
}

// Eval evaluates the JavaScript expression js in the page and decodes its
// value into T.
func Eval[T any](p *Page, js string) (T, error) {
	ctx, cancel := context.WithTimeout(p.ctx, p.opts.ActionTimeout)
	defer cancel()
	return chromedp.Run(ctx, chromedp.Evaluate[T](js))
}

// Screenshot saves what the 1280×720 viewport shows as NN-name.png in the
// page's directory, logs its path and returns it.
func (p *Page) Screenshot(name string) (string, error) {
	ctx, cancel := context.WithTimeout(p.ctx, p.opts.ActionTimeout)
	defer cancel()
	buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		return "", fmt.Errorf("screenshot %s: %w", name, err)
	}
	return p.save(name, buf)
}

// FullScreenshot saves the whole page, beyond the viewport, as a PNG at path.
func (p *Page) FullScreenshot(path string) error {
	ctx, cancel := context.WithTimeout(p.ctx, p.opts.ActionTimeout)
	defer cancel()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		return fmt.Errorf("full screenshot: %w", err)
	}
	return writeFile(path, buf)
}

// ScrollTo scrolls the first element sel matches into the viewport's middle.
func (p *Page) ScrollTo(sel string) error {
	_, err := Eval[bool](p, fmt.Sprintf(`(e => { if (e) e.scrollIntoView({block: "center"}); return e !== null })(document.querySelector(%s))`, Quote(sel)))
	return err
}

// Quote makes s a JavaScript string literal.
func Quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// failure builds an error that says what failed, shows the HTML of show and
// names a screenshot of the moment.
func (p *Page) failure(what, show, shot string) error {
	msg := what
	if path, err := p.Screenshot("failed-" + shot); err == nil {
		msg += "\nscreenshot: " + path
	}
	return fmt.Errorf("%s\n%s is:\n%s", msg, show, p.HTML(show, 6000))
}
