package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/browser"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// The third column's steps of TestDashboardBrowser, on the real
// orchestrated stack beside the choreographed one.

// checkOrchestratedKafkaPanels: with the orchestrated stack's inventory-svc
// consumers paused, an order there waits, and that column's lag names its
// own group on its own command topic (orch.…), while the events column's
// panels name none of the orchestrated stack's groups or topics; its
// dead-letter figure counts its own topics. Resumed, the order confirms.
func checkOrchestratedKafkaPanels(t *testing.T, p *browser.Page, orch, choreo column, prefix string) {
	m := stackmode.Orchestration
	group := m.Group(prefix, topology.InventorySvc)
	topic := m.TopicPrefix(prefix) + events.TopicInventoryCommands
	id := pendingWhilePaused(t, p, orch)
	lag := orch.in(`[data-role="lag-rows"]`)
	must(t, p.Until(browser.Wait{What: fmt.Sprintf("the %s column's lag to name group %s behind on %s", orch, group, topic),
		Cond: textHas(lag, "behind: ") + " && " + textHas(lag, group+" "+topic+"/"), Show: orch.in(`[data-widget="figures"]`), Within: 30 * time.Second}))
	shot(t, p, "2c orchestration lag")
	dlq, _, err := p.Attr(orch.figure("dead-letters"), "title")
	must(t, err)
	_, list, ok := strings.Cut(dlq, "dead-letter topics: ")
	for _, tp := range strings.Split(list, ", ") {
		if !ok || !strings.HasPrefix(tp, m.TopicPrefix(prefix)) {
			t.Errorf("the %s column's dead-letter figure says %q: want its own topics (%s…) only", orch, dlq, m.TopicPrefix(prefix))
			break
		}
	}
	for _, fig := range []string{"lag", "dead-letters"} {
		title, _, err := p.Attr(choreo.figure(fig), "title")
		must(t, err)
		if strings.Contains(title, stackmode.OrchestrationPrefix) {
			t.Errorf("the %s column's %s figure names the orchestrated stack's groups or topics: %q", choreo, fig, title)
		}
	}
	must(t, p.Click(orch.faults(`button[data-action="resume-consumers"]`)))
	must(t, waitStatus(p, orch, id, "CONFIRMED", 90*time.Second))
}

// checkSharedBroker stops the broker from the orchestrated column: both
// events columns say it stopped, each naming the other as broken too, and
// the sync column says nothing of it; started again, it is gone from both.
func checkSharedBroker(t *testing.T, p *browser.Page, sync column, kafkaCols ...column) {
	stopped := func(c column) string {
		return fmt.Sprintf(`[...document.querySelectorAll(%s)].some(e => e.textContent.includes("Kafka broker stopped (shared: "))`, browser.Quote(c.in(`[data-widget="broken"] [data-broken]`)))
	}
	must(t, p.ScrollTo(kafkaCols[1].in(`button[data-action="stop-broker"]`)))
	must(t, p.Click(kafkaCols[1].in(`button[data-action="stop-broker"]`)))
	for i, c := range kafkaCols {
		other := kafkaCols[1-i]
		must(t, p.Until(browser.Wait{What: fmt.Sprintf("the %s column to say the shared broker stopped, %s broken too", c, other),
			Cond: stopped(c) + " && " + textHas(c.in(`[data-widget="broken"]`), string(other)+" broken too"), Show: c.in(`[data-widget="broken"]`), Within: 30 * time.Second}))
	}
	if held, err := browser.Eval[bool](p, stopped(sync)); err != nil || held {
		t.Errorf("the sync column says the broker stopped (%v): it has none", err)
	}
	shot(t, p, "7b broker stopped")
	must(t, p.ScrollTo(kafkaCols[1].in(`button[data-action="start-broker"]`)))
	must(t, p.Click(kafkaCols[1].in(`button[data-action="start-broker"]`)))
	for _, c := range kafkaCols {
		must(t, p.Until(browser.Wait{What: "the " + string(c) + " column to show the broker back", Cond: "!(" + stopped(c) + ")",
			Show: c.in(`[data-widget="broken"]`), Within: 90 * time.Second}))
	}
}
