package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/comparereport"
	"github.com/orderflow/flowctl/internal/scenario"
	"github.com/orderflow/flowctl/internal/stack"
)

// scenarioArgs run every scenario on both modes, small enough for a test.
var scenarioArgs = []string{"scenario", "all", "--mode", "both", "--json",
	"--orders", "8", "--rate", "20", "--down-for", "1500ms", "--settle", "90s"}

// TestScenariosNative runs every scenario against both native stacks (the
// embedded broker, Jaeger from source) and asserts the effect each claims;
// then the report, load, order watch, dlq and trace commands on what they left.
func TestScenariosNative(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs both stacks; skipped with -short")
	}
	c, _, base, brokerPort := nativeCLI(t)

	rep, stdout := runAllScenarios(t, c, "native")

	t.Run("compare renders the recorded results", func(t *testing.T) {
		results := filepath.Join(t.TempDir(), "results.json")
		if err := os.WriteFile(results, []byte(stdout), 0o644); err != nil {
			t.Fatal(err)
		}
		outDir := t.TempDir()
		out, _, err := c.run("compare", "--from", results, "--out", outDir)
		if err != nil {
			t.Fatalf("compare --from: %v\n%s", err, out)
		}
		// Under --out/<the run's start time>/, not beside the recording.
		for _, name := range []string{comparereport.ReportMarkdown, comparereport.ReportHTML, comparereport.ResultsJSON} {
			if found, _ := filepath.Glob(filepath.Join(outDir, "*", name)); len(found) != 1 {
				t.Errorf("compare wrote no %s under %s", name, outDir)
			}
		}
		// The recording is of `scenario all`: scale-out is not in it (it
		// needs PostgreSQL and replicas).
		for _, sc := range scenario.InAll() {
			if !strings.Contains(out, sc.Name) {
				t.Errorf("the summary table has no row for %s:\n%s", sc.Name, out)
			}
		}
	})

	t.Run("load drives both stacks", func(t *testing.T) {
		out, stderr, err := c.run("load", "--mode", "both", "--rate", "20", "--duration", "1s", "--json")
		if err != nil {
			t.Fatalf("load: %v\n%s", err, stderr)
		}
		var rs []struct {
			Mode    string
			Summary struct {
				Orders   int            `json:"orders"`
				ByStatus map[string]int `json:"by_status"`
				NotFinal int            `json:"not_final"`
			}
		}
		if err := json.Unmarshal([]byte(out), &rs); err != nil || len(rs) != 2 {
			t.Fatalf("load --json: %v\n%s", err, out)
		}
		for _, r := range rs {
			if r.Summary.Orders != 20 || r.Summary.ByStatus["CONFIRMED"] != 20 || r.Summary.NotFinal != 0 {
				t.Errorf("%s: %+v", r.Mode, r.Summary)
			}
		}
	})

	t.Run("order watch follows an order to the end", func(t *testing.T) {
		out, _, err := c.run("order", "watch", "--mode", "events", "--item", "SKU-002:1", "--json")
		if err != nil {
			t.Fatalf("order watch: %v\n%s", err, out)
		}
		var steps []map[string]any
		sc := bufio.NewScanner(strings.NewReader(out))
		for sc.Scan() {
			var m map[string]any
			if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
				t.Fatalf("not NDJSON: %q", sc.Text())
			}
			steps = append(steps, m)
		}
		if len(steps) < 2 || steps[0]["step"] != "placed" || steps[len(steps)-1]["final"] != true || steps[len(steps)-1]["status"] != "CONFIRMED" {
			t.Fatalf("steps = %v", steps)
		}
	})

	t.Run("stop, lag and start by hand", func(t *testing.T) {
		if out, _, err := c.run("stop", "inventory", "--mode", "events"); err != nil || !strings.Contains(out, "stopped inventory-svc") {
			t.Fatalf("stop: %v\n%s", err, out)
		}
		out, _, err := c.run("order", "place", "--mode", "events", "--customer", "c", "--item", "SKU-001:1", "--json")
		var placed struct {
			Order struct{ ID string } `json:"order"`
		}
		if err != nil || json.Unmarshal([]byte(out), &placed) != nil || placed.Order.ID == "" {
			t.Fatalf("order place: %v\n%s", err, out)
		}
		// The relay publishes at once; poll lag until the event is in.
		var behind int64
		for range 50 {
			out, _, err = c.run("lag", "--json")
			var rows []struct {
				Group string `json:"group"`
				Lag   int64  `json:"lag"`
			}
			if err != nil || json.Unmarshal([]byte(out), &rows) != nil {
				t.Fatalf("lag --json: %v\n%s", err, out)
			}
			behind = 0
			for _, r := range rows {
				if r.Group == "inventory-svc.events" {
					behind += r.Lag
				}
			}
			if behind > 0 {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if behind < 1 {
			t.Fatalf("inventory-svc.events is %d behind with inventory stopped, want ≥ 1", behind)
		}
		if out, _, err := c.run("start", "inventory", "--mode", "events"); err != nil || !strings.Contains(out, "is ready") {
			t.Fatalf("start: %v\n%s", err, out)
		}
		out, _, err = c.run("order", "watch", "--mode", "events", placed.Order.ID)
		if err != nil || !strings.Contains(out, "final: CONFIRMED") {
			t.Fatalf("the order placed while inventory was stopped: %v\n%s", err, out)
		}
	})

	t.Run("order cancel by hand: a PENDING order cancelled and compensated, a CONFIRMED one too late", func(t *testing.T) {
		checkCancelByHand(t, c)
	})

	t.Run("dlq list shows the poison message", func(t *testing.T) {
		out, _, err := c.run("dlq", "list", "--json")
		if err != nil {
			t.Fatalf("dlq list: %v\n%s", err, out)
		}
		var entries []struct {
			OrderID  string `json:"order_id"`
			Original struct {
				Topic string `json:"topic"`
			} `json:"original"`
		}
		if err := json.Unmarshal([]byte(out), &entries); err != nil {
			t.Fatalf("dlq list --json: %v\n%s", err, out)
		}
		poisoned := 0
		for _, e := range entries {
			if strings.HasPrefix(e.OrderID, "poison-") && e.Original.Topic == "orders.v1" {
				poisoned++
			}
		}
		if poisoned == 0 {
			t.Fatalf("no poison-message dead letter in %d entries:\n%s", len(entries), out)
		}
	})

	t.Run("trace shows an order's waterfall", func(t *testing.T) {
		id := ""
		for _, r := range rep.Runs {
			if r.Scenario != "replay" {
				continue
			}
			for _, d := range r.Outcomes[len(r.Outcomes)-1].Details {
				if _, rest, ok := strings.Cut(d, "audit trail of order "); ok {
					id, _, _ = strings.Cut(rest, ",")
				}
			}
		}
		if id == "" {
			t.Fatal("the replay scenario named no order")
		}
		out, _, err := c.run("trace", id, "--mode", "events")
		if err != nil {
			t.Fatalf("trace: %v\n%s", err, out)
		}
		for _, want := range []string{"order-svc", "inventory-svc", "invoicing-svc", "in Kafka"} {
			if !strings.Contains(out, want) {
				t.Errorf("the waterfall lacks %q:\n%s", want, out)
			}
		}
	})

	checkStockAndReset(t, c, base, []string{stack.Addr(brokerPort)})
}

// runAllScenarios runs every scenario on both modes in runtime, checks the
// report and returns it with the JSON it was read from.
func runAllScenarios(t *testing.T, c *cli, runtime string) (scenario.Report, string) {
	t.Helper()
	stdout, stderr, err := c.run(scenarioArgs...)
	if err != nil {
		t.Fatalf("scenario all: %v\nstderr:\n%s", err, stderr)
	}
	var rep scenario.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("--json output is not JSON: %v\n%s", err, stdout)
	}
	if rep.Runtime != runtime {
		t.Errorf("runtime = %q, want %s", rep.Runtime, runtime)
	}
	checkScenarioReport(t, rep)
	for _, r := range rep.Runs {
		t.Logf("%s (%s): %s", r.Scenario, runtime, r.Verdict())
	}
	return rep, stdout
}

// checkScenarioReport asserts that every scenario ran on both modes, showed
// what it claims, and measured the numbers behind its verdict.
func checkScenarioReport(t *testing.T, rep scenario.Report) {
	t.Helper()
	if len(rep.Runs) != len(scenario.InAll()) {
		t.Fatalf("%d runs, want %d", len(rep.Runs), len(scenario.InAll()))
	}
	get := func(name, mode string) scenario.Outcome {
		for _, r := range rep.Runs {
			if r.Scenario != name {
				continue
			}
			for _, o := range r.Outcomes {
				if o.Mode == mode {
					return o
				}
			}
		}
		t.Fatalf("no %s outcome for %s", mode, name)
		return scenario.Outcome{}
	}
	for _, r := range rep.Runs {
		if len(r.Outcomes) != 2 {
			t.Errorf("%s: %d outcomes, want sync and events", r.Scenario, len(r.Outcomes))
		}
		for _, o := range r.Outcomes {
			if !o.Holds {
				t.Errorf("%s (%s) did not show its claim: %s\n%+v", r.Scenario, o.Mode, o.Verdict, o.Metrics)
			}
			if !strings.HasPrefix(o.Verdict, o.Mode+": ") {
				t.Errorf("%s (%s): verdict %q does not start with the mode", r.Scenario, o.Mode, o.Verdict)
			}
		}
	}
	type want struct {
		scenario, mode string
		metric         scenario.MetricKey
		ok             func(float64) bool
		what           string
	}
	for _, w := range []want{
		{"happy-path", "sync", "success_pct", eq(100), "all confirmed"},
		{"happy-path", "events", "success_pct", eq(100), "all confirmed"},
		{"downstream-down", "sync", "success_pct", eq(0), "no order confirmed while inventory was down"},
		{"downstream-down", "sync", "accepted_pct", eq(0), "no order accepted (2xx) while inventory was down"},
		{"downstream-down", "events", "accepted_pct", eq(100), "every order accepted while inventory was down"},
		{"downstream-down", "events", "success_pct", eq(100), "every order confirmed after it came back"},
		{"downstream-down", "events", "backlog_events", gt(0), "a backlog while it was down"},
		{"slow-downstream", "sync", "placement_p50_ms", ge(300), "sync placement pays the 300 ms"},
		{"slow-downstream", "events", "placement_p99_ms", lt(300), "events placement does not"},
		{"read-your-writes", "sync", "stale_read_pct", eq(0), "sync reads are final"},
		{"read-your-writes", "events", "stale_read_pct", gt(0), "some events reads are not"},
		{"find-the-failure", "sync", "traces_child", eq(1), "sync: one trace"},
		{"find-the-failure", "events", "traces_child", eq(1), "events with child propagation: one trace"},
		{"find-the-failure", "events", "traces_link", gt(1), "events with links: several traces"},
		{"find-the-failure", "events", "traces_off", gt(1), "events without propagation: several traces"},
		{"replay", "events", "totals_match", eq(1), "the log rebuilds the live totals"},
		{"replay", "events", "audit_events", ge(3), "an order's trail has its events"},
		{"poison-message", "sync", "refused_status", eq(400), "a malformed request is a 400"},
		{"poison-message", "events", "dead_letters", eq(2), "the malformed event is dead-lettered by both consumers of orders.v1 (inventory-svc, invoicing-svc)"},
		{"broker-down", "sync", "success_pct", eq(100), "sync does not notice"},
		{"broker-down", "events", "accepted_pct", eq(100), "events accepts while the broker is down"},
		{"broker-down", "events", "success_pct", eq(100), "and confirms after it returns"},
		{"independent-evolution", "events", "late_reader_orders_pct", eq(100), "a late consumer finds every past order in the log"},
		{"independent-evolution", "events", "late_reader_order_svc_requests", eq(0), "without one request to order-svc"},
		{"independent-evolution", "events", "deploy_failed_orders", eq(0), "a rolling deploy fails no events order"},
		{"independent-evolution", "sync", "late_reader_order_svc_requests", gt(0), "a late sync reader must ask order-svc"},
		{"late-rejection", "sync", "told_accepted_then_rejected", eq(0), "sync tells every rejection in the answer"},
		{"late-rejection", "events", "told_accepted_then_rejected", gt(0), "events tell some customers accepted, then rejected"},
		{"dual-write", "events", "stuck_pending_direct", gt(0), "the dual write loses the crash's order"},
		{"dual-write", "events", "stuck_pending_outbox", eq(0), "the outbox loses none"},
		{"dual-write", "sync", "stuck_told_2xx_sync", eq(0), "no sync client told 2xx for an order left PENDING"},
		{"payment-declined", "sync", "declined_in_answer", gt(0), "sync tells a declined payment in the answer (402)"},
		{"payment-declined", "sync", "accepted_then_failed", eq(0), "no sync customer told accepted, then failed"},
		{"payment-declined", "events", "accepted_then_failed", gt(0), "events accept doomed orders and fail them later"},
		{"payment-declined", "events", "doomed_held_n", gt(0), "the stock doomed orders held is measured"},
		{"payment-declined", "events", "doomed_still_held", eq(0), "every doomed hold released"},
		{"deadline", "events", "cancelled_by_deadline", gt(0), "the deadline cancels orders inventory-svc could not reach"},
		{"deadline", "events", "reserved_after_cancel", gt(0), "inventory-svc reserves for them after the cancellation"},
		{"deadline", "events", "ended_still_held", eq(0), "and releases every one"},
		{"deadline", "sync", "timed_out", gt(0), "sync requests fail by HTTP_CLIENT_TIMEOUT"},
		{"deadline", "sync", "ended_still_held", eq(0), "leaving nothing held"},
		{"cancel-race", "sync", "cancels_won", eq(0), "a sync cancel always comes after the final answer"},
		{"cancel-race", "sync", "cancels_too_late", gt(0), "so it is a 409"},
		{"cancel-race", "events", "cancels_won", gt(0), "an events cancel can win"},
		{"cancel-race", "events", "compensations_awaited", eq(0), "and its compensations run"},
	} {
		o := get(w.scenario, w.mode)
		m, ok := o.Metric(w.metric)
		if !ok {
			t.Errorf("%s (%s): no metric %s", w.scenario, w.mode, w.metric)
			continue
		}
		if !w.ok(m.Value) {
			t.Errorf("%s (%s): %s = %g, want %s — verdict: %s", w.scenario, w.mode, w.metric, m.Value, w.what, o.Verdict)
		}
	}
	// slow-downstream records the knobs each service ran with (GET /admin/knobs).
	for _, k := range []struct{ mode, svc, fragments string }{
		{"sync", "order-svc", "HTTP_CLIENT_MAX_CONNS=64 HTTP_CLIENT_TIMEOUT=2s HTTP_MAX_IN_FLIGHT=64 HTTP_QUEUE_WAIT=100ms"},
		{"sync", "inventory-svc", "HTTP_MAX_IN_FLIGHT=64 HTTP_QUEUE_WAIT=100ms"},
		{"events", "inventory-svc", "CONSUMER_BATCH_MAX=256 CONSUMER_BATCH_WAIT=5ms HTTP_MAX_IN_FLIGHT=64 HTTP_QUEUE_WAIT=100ms KAFKA_PARTITIONS=3"},
	} {
		o := get("slow-downstream", k.mode)
		found := false
		for _, d := range o.Details {
			line, ok := strings.CutPrefix(d, "knobs of "+k.svc+": ")
			found = found || ok && containsAll(line, strings.Fields(k.fragments))
		}
		if !found {
			t.Errorf("slow-downstream (%s): details %q lack the knobs of %s with %s", k.mode, o.Details, k.svc, k.fragments)
		}
	}
	// The catch-up's breakdown: the first order moved before the last was final.
	bd := get("broker-down", "events")
	first, ok1 := bd.Metric("first_move_ms")
	last, ok2 := bd.Metric("catch_up_ms")
	if !ok1 || !ok2 || first.Value > last.Value {
		t.Errorf("broker-down (events): first_move_ms %v (%v) should come no later than catch_up_ms %v (%v)", first.Value, ok1, last.Value, ok2)
	}
}

func containsAll(s string, parts []string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

func eq(want float64) func(float64) bool { return func(v float64) bool { return v == want } }
func gt(x float64) func(float64) bool    { return func(v float64) bool { return v > x } }
func ge(x float64) func(float64) bool    { return func(v float64) bool { return v >= x } }
func lt(x float64) func(float64) bool    { return func(v float64) bool { return v < x } }
