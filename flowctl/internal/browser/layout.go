package browser

import (
	"context"
	_ "embed"
	"fmt"
	"math"

	"github.com/chromedp/chromedp"
)

// Zoom shows the page as a browser zoomed to factor shows it on the
// 1280×720 screen: a CSS viewport of 1280/factor × 720/factor pixels drawn
// with a device scale factor of factor (150 %: 853×480; 200 %: 640×360).
// Screenshots stay 1280×720 pixels. Zoom(1) is the normal view again.
func (p *Page) Zoom(factor float64) error {
	if factor < 1 {
		return fmt.Errorf("zoom %g: a browser zoom of 100%% or more", factor)
	}
	w, h := int64(math.Floor(ViewportWidth/factor)), int64(math.Floor(ViewportHeight/factor))
	ctx, cancel := context.WithTimeout(p.ctx, p.opts.ActionTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, h, chromedp.EmulateScale(factor))); err != nil {
		return fmt.Errorf("zoom %g%% (%d×%d CSS px): %w", factor*100, w, h, err)
	}
	return nil
}

//go:embed layout.js
var layoutJS string

// Overflows lists, one line each, what the page shows cut or piled up:
// an element whose content is wider than its box where the box clips
// (overflow not visible: a hidden word, a scroll bar, an ellipsis in
// effect), an element or the page reaching past the viewport's right edge
// (a sideways scroll), and two visible interactive elements (buttons,
// links, fields) overlapping. Empty: nothing is.
func (p *Page) Overflows() ([]string, error) {
	return Eval[[]string](p, layoutJS)
}

//go:embed viewport.js
var viewportJS string

// OutsideViewport lists, one line each, what a one-screen page (the
// dashboard's presenter view) shows off its screen: the page scrolling
// down or sideways, and each visible element reaching past an edge of the
// viewport. Empty: the whole page is on the screen.
func (p *Page) OutsideViewport() ([]string, error) {
	return Eval[[]string](p, viewportJS)
}
