package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/browser"
)

// The helpers of TestDashboardBrowser: the dashboard as a process of the
// test, and the page's hooks (the DOM contract of issue 11) as selectors.

// startDashboard runs `flowctl dashboard` in-process on a free port, with
// the test's run dir and ports, until the test ends; it returns the page's
// URL once the server answers.
func startDashboard(t *testing.T, c *cli) string {
	t.Helper()
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	ctx, cancel := context.WithCancel(context.Background())
	var out lockedBuffer
	done := make(chan error, 1)
	go func() {
		args := append([]string{"flowctl", "dashboard", "--addr", addr}, c.common...)
		done <- run(ctx, args, c.getenv, &out, &out)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil && ctx.Err() == nil {
				t.Errorf("dashboard: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Errorf("the dashboard did not stop within 30s of its context ending")
		}
		if t.Failed() {
			t.Logf("---- dashboard output\n%s", out.String())
		}
	})
	url := "http://" + addr + "/"
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case err := <-done:
			t.Fatalf("flowctl dashboard --addr %s ended before it served: %v\n%s", addr, err, out.String())
		default:
		}
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return url
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("flowctl dashboard did not answer GET %s within 60s:\n%s", url, out.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// lockedBuffer takes the dashboard's output while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// column is one mode's column of the page.
type column string

// in scopes a CSS selector to the column.
func (c column) in(sel string) string {
	return fmt.Sprintf(`section[data-mode="%s"] %s`, string(c), sel)
}

func (c column) rows() string { return c.in(`[data-widget="orders"] [data-order-id]`) }

func (c column) row(id string) string {
	return c.in(fmt.Sprintf(`[data-widget="orders"] [data-order-id="%s"]`, id))
}

func (c column) figure(name string) string {
	return c.in(fmt.Sprintf(`[data-widget="figures"] [data-figure="%s"]`, name))
}

func (c column) faults(sel string) string { return c.in(`[data-widget="faults"] ` + sel) }

// orderIDs lists the order rows the column shows.
func orderIDs(p *browser.Page, c column) ([]string, error) {
	return browser.Eval[[]string](p, fmt.Sprintf(`[...document.querySelectorAll(%s)].map(e => e.dataset.orderId)`, browser.Quote(c.rows())))
}

// placeVia clicks button and returns the id of the order row that appears
// in each of cols because of it.
func placeVia(p *browser.Page, button string, cols ...column) ([]string, error) {
	before := map[column][]string{}
	for _, c := range cols {
		ids, err := orderIDs(p, c)
		if err != nil {
			return nil, err
		}
		before[c] = ids
	}
	if err := p.Click(button); err != nil {
		return nil, err
	}
	var placed []string
	for _, c := range cols {
		known, _ := json.Marshal(append(before[c], "")) // never null in JS
		err := p.Until(browser.Wait{
			What:   fmt.Sprintf("a new order row in the %s column after clicking %s", c, button),
			Cond:   fmt.Sprintf(`[...document.querySelectorAll(%s)].some(e => !%s.includes(e.dataset.orderId))`, browser.Quote(c.rows()), known),
			Show:   c.in(`[data-widget="orders"]`),
			Within: 60 * time.Second,
		})
		if err != nil {
			return nil, err
		}
		ids, err := orderIDs(p, c)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			if !slices.Contains(before[c], id) {
				placed = append(placed, id)
				break
			}
		}
	}
	return placed, nil
}

// waitStatus waits until the order's row shows status.
func waitStatus(p *browser.Page, c column, id, status string, within time.Duration) error {
	return p.Until(browser.Wait{
		What:   fmt.Sprintf("%s order %s to be %s", c, id, status),
		Cond:   browser.AttrIs(c.row(id), "data-status", status),
		Show:   c.row(id),
		Within: within,
	})
}

// stepTimes reads the `+N ms` text of each status step the row shows.
func stepTimes(p *browser.Page, c column, id string) (map[string]string, error) {
	return browser.Eval[map[string]string](p, fmt.Sprintf(
		`Object.fromEntries([...document.querySelectorAll(%s)].map(e => [e.dataset.step, e.textContent.trim()]))`,
		browser.Quote(c.row(id)+` [data-step]`)))
}

// figureAbove is a condition: the figure's data-value is a number above x.
func figureAbove(c column, name string, x float64) string {
	return fmt.Sprintf(`(e => e !== null && e.dataset.value !== "" && e.dataset.value !== undefined && Number(e.dataset.value) > %g)(document.querySelector(%s))`,
		x, browser.Quote(c.figure(name)))
}

// brokenShows is a condition: the column's "broken" widget lists a fault
// of svc whose text contains what ("" for any).
func brokenShows(c column, svc, what string) string {
	return fmt.Sprintf(`[...document.querySelectorAll(%s)].some(e => e.textContent.includes(%s + ":") && e.textContent.includes(%s))`,
		browser.Quote(c.in(`[data-widget="broken"] [data-broken]`)), browser.Quote(svc), browser.Quote(what))
}

// textHas is a condition: the element's text contains what.
func textHas(sel, what string) string {
	return fmt.Sprintf(`(e => e !== null && e.textContent.includes(%s))(document.querySelector(%s))`, browser.Quote(what), browser.Quote(sel))
}

// attrHas is a condition: the element's attribute contains what.
func attrHas(sel, attr, what string) string {
	return fmt.Sprintf(`(e => e !== null && (e.getAttribute(%s) || "").includes(%s))(document.querySelector(%s))`, browser.Quote(attr), browser.Quote(what), browser.Quote(sel))
}

// pendingWhilePaused pauses inventory-svc's consumers in the column and
// places an order there, which stays PENDING; the consumers stay paused.
func pendingWhilePaused(t *testing.T, p *browser.Page, c column) string {
	t.Helper()
	must(t, p.SetField(c.faults(`select[name="service"]`), "inventory-svc"))
	must(t, p.Click(c.faults(`button[data-action="pause-consumers"]`)))
	must(t, p.Until(browser.Wait{What: "the " + string(c) + " column to show inventory-svc's consumers paused", Cond: brokenShows(c, "inventory-svc", "consumers paused"),
		Show: c.in(`[data-widget="broken"]`), Within: 30 * time.Second}))
	ids, err := placeVia(p, c.in(`button[data-action="place-one"]`), c)
	must(t, err)
	must(t, p.Holds(browser.Wait{What: "the order placed while inventory is paused stays PENDING", Cond: browser.AttrIs(c.row(ids[0]), "data-status", "PENDING"), Show: c.row(ids[0])}, 2*time.Second))
	return ids[0]
}

// spanServices lists the distinct data-service values of the trace's spans.
func spanServices(p *browser.Page) ([]string, error) {
	return browser.Eval[[]string](p, `[...new Set([...document.querySelectorAll('[data-widget="trace"] [data-span-id]')].map(e => e.dataset.service))].sort()`)
}

// shot takes a step's screenshot; a failed screenshot fails the test, as the
// screenshots are what a reader of CI checks the page by.
func shot(t *testing.T, p *browser.Page, name string) {
	t.Helper()
	if _, err := p.Screenshot(name); err != nil {
		t.Error(err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
