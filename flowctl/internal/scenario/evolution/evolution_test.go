package evolution

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/api"
	oapi "github.com/orderflow/flowctl/internal/api/client"
	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/flowctl/internal/usage"
)

func TestJudgeEvolution(t *testing.T) {
	summary := func(placement ...float64) load.Summary {
		var r load.Result
		for _, ms := range placement {
			r.Orders = append(r.Orders, load.Placed{HTTPStatus: 201, PlacementMS: ms,
				Order: api.Order{ID: "o", Status: "CONFIRMED", Final: true}})
		}
		return load.Summarize(r)
	}
	base := summary(20, 25, 30)
	deploy := func(failed int, tail float64) deployRun {
		return deployRun{Base: base, Deploy: summary(20, 25, tail), Orders: 10, Failed: failed,
			Out: []serviceOut{{topology.InventorySvc, 400 * time.Millisecond}, {topology.InvoicingSvc, 300 * time.Millisecond}}}
	}
	read := func(found, seen int, requests float64, requestsOK bool) lateRead {
		return lateRead{Batch: 8, Found: found, Expected: 24, Seen: seen, Known: 30, CatchUp: time.Second,
			Requests: requests, RequestsOK: requestsOK, Bytes: 12_000}
	}
	// orch is a reader of the orchestrated stack: five topics, two of
	// them facts, factSeen steps found on those.
	orch := func(l lateRead, factSeen int) lateRead {
		l.Topics = []string{"orders.v1", "inventory.v1", "inventory.commands.v1", "invoicing.commands.v1", "order-saga.replies.v1"}
		l.FactTopics, l.FactSeen = l.Topics[:2], factSeen
		return l
	}
	for _, c := range []struct {
		name  string
		mode  stackmode.Mode
		l     lateRead
		d     deployRun
		holds bool
		says  string
	}{
		{"sync: the reader asked order-svc and the deploy failed orders", stackmode.Sync, read(8, 24, 1, true), deploy(3, 30), true, "failed 3 of 10"},
		{"sync: no order failed but placement slowed", stackmode.Sync, read(8, 24, 1, true), deploy(0, 900), true, "tail at least doubled"},
		{"sync: the deploy neither failed nor slowed orders", stackmode.Sync, read(8, 24, 1, true), deploy(0, 35), false, "the deploy failed no order"},
		{"sync: the reader sent order-svc nothing", stackmode.Sync, read(8, 24, 0, true), deploy(3, 30), false, "did not load order-svc"},
		{"sync: order-svc's requests unknown", stackmode.Sync, read(8, 24, 0, false), deploy(3, 30), false, "requests unknown"},
		{"events: every past order and step, no request, no failed order", stackmode.Events, read(8, 24, 0, true), deploy(0, 30), true, "found 8 of 8 past orders and 24 of 24"},
		{"events: the reader missed an order", stackmode.Events, read(7, 21, 0, true), deploy(0, 30), false, "missed part of the past"},
		{"events: the reader missed a step", stackmode.Events, read(8, 23, 0, true), deploy(0, 30), false, "missed part of the past"},
		{"events: the reader needed order-svc", stackmode.Events, read(8, 24, 2, true), deploy(0, 30), false, "leave order-svc alone"},
		{"events: order-svc's requests unknown", stackmode.Events, read(8, 24, 0, false), deploy(0, 30), false, "leave order-svc alone"},
		{"events: the deploy failed an order", stackmode.Events, read(8, 24, 0, true), deploy(1, 30), false, "every order to complete"},
		{"events-orchestration: every step, a third of them on the fact topics", stackmode.Orchestration, orch(read(8, 24, 0, true), 8), deploy(0, 30), true, "held 33% of the steps (8 of 24 steps"},
		{"events-orchestration: the reader missed a reply", stackmode.Orchestration, orch(read(8, 23, 0, true), 8), deploy(0, 30), false, "missed part of the past"},
		{"sync: no order during the deploy", stackmode.Sync, read(8, 24, 1, true), deployRun{Base: base}, false, "no order was placed"},
		{"events: no order during the deploy", stackmode.Events, read(8, 24, 0, true), deployRun{Base: base}, false, "no order was placed"},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := judgeEvolution(c.mode, c.l, c.d)
			if bad := Def.Undeclared(o); len(bad) > 0 {
				t.Errorf("metrics the definition lacks: %v", bad)
			}
			if o.Holds != c.holds {
				t.Errorf("holds = %v, want %v (%s)", o.Holds, c.holds, o.Verdict)
			}
			if !strings.HasPrefix(o.Verdict, string(c.mode)+": ") || !strings.Contains(o.Verdict, c.says) {
				t.Errorf("verdict %q, want it to start with the mode and say %q", o.Verdict, c.says)
			}
			if _, ok := o.Metric(LateRequests.Key); ok != c.l.RequestsOK {
				t.Errorf("requests metric present = %v, want %v: an unknown count is not a 0", ok, c.l.RequestsOK)
			}
			if got := o.Value(DeployFailed.Key); got != float64(c.d.Failed) {
				t.Errorf("deploy_failed_orders = %g, want %d", got, c.d.Failed)
			}
			for _, m := range o.Metrics {
				if _, ok := Def.Metric(m.Key); !ok {
					t.Errorf("metric %s is not among the definition's", m.Key)
				}
			}
		})
	}
}

func TestFailedOrders(t *testing.T) {
	p := func(code int, status oapi.OrderStatus, final bool) load.Placed {
		id := ""
		if status != "" {
			id = "o"
		}
		return load.Placed{HTTPStatus: code, Order: api.Order{ID: id, Status: status, Final: final}}
	}
	r := load.Result{Orders: []load.Placed{
		p(201, "CONFIRMED", true), p(409, "REJECTED", true), // decided: not failed
		p(503, "FAILED", true), p(0, "", false), p(202, "PENDING", false), // failed, no answer, never final
	}}
	r.Orders[2].Order.Reason = "failed in inventory-svc: connection refused; more"
	got, why := failedOrders(r)
	if got != 3 {
		t.Errorf("failedOrders = %d, want 3", got)
	}
	if why["FAILED: failed in inventory-svc: connection refused"] != 1 || why["PENDING: still PENDING after the follow"] != 1 || len(why) != 3 {
		t.Errorf("why = %v", why)
	}
}

// fakeOrderSvc serves GET /orders with the orders given and a /metrics
// whose request counter counts every request it served, as order-svc's does.
type fakeLateOrderSvc struct {
	mu     sync.Mutex
	orders []api.Order
	served map[string]int
}

func (f *fakeLateOrderSvc) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	route := r.URL.Path
	if route == "/metrics" {
		for k, n := range f.served {
			fmt.Fprintf(w, "http_server_request_duration_seconds_count{method=\"GET\",route=%q,status=\"200\"} %d\n", k, n)
		}
	} else {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(oapi.OrderList{Orders: f.orders, Count: len(f.orders)})
	}
	f.served[route]++
}

// TestSyncLateReaderIsMeasured: the sync reader's requests come from
// order-svc's /metrics around it, and what it found from the list's
// timelines against the batch's final statuses.
func TestSyncLateReaderIsMeasured(t *testing.T) {
	step := func(names ...oapi.TimelineStepStep) []api.Step {
		var s []api.Step
		for _, n := range names {
			s = append(s, api.Step{Step: n})
		}
		return s
	}
	f := &fakeLateOrderSvc{served: map[string]int{}, orders: []api.Order{
		{ID: "a", Status: "CONFIRMED", Timeline: step("placed", "reserved", "invoiced", "confirmed")},
		{ID: "b", Status: "REJECTED", Timeline: step("placed", "rejected")},
		{ID: "old", Status: "CONFIRMED", Timeline: step("placed")},
	}}
	srv := httptest.NewServer(f)
	defer srv.Close()
	batch := load.Result{Orders: []load.Placed{
		{HTTPStatus: 201, Order: api.Order{ID: "a", Status: "CONFIRMED", Final: true}},
		{HTTPStatus: 409, Order: api.Order{ID: "b", Status: "REJECTED", Final: true}},
		{HTTPStatus: 201, Order: api.Order{ID: "gone", Status: "CONFIRMED", Final: true}}, // beyond the list
		{HTTPStatus: 0}, // never placed: not a past order
	}}
	e := &kit.Env{}
	l, err := lateReader(context.Background(), e, kit.NewTarget(stackmode.Sync, map[string]string{topology.OrderSvc: srv.URL}, ""), batch, kit.LogMark{})
	if err != nil {
		t.Fatal(err)
	}
	if l.Batch != 3 || l.Found != 2 || l.Expected != 8 || l.Seen != 5 || l.Known != 3 {
		t.Errorf("batch %d found %d, steps %d of %d, known %d; want 3, 2, 5 of 8, 3", l.Batch, l.Found, l.Seen, l.Expected, l.Known)
	}
	if !l.RequestsOK || l.Requests != 1 {
		t.Errorf("requests %g (ok %v), want the one list request: scrapes are not the reader's", l.Requests, l.RequestsOK)
	}
	if l.Bytes == 0 {
		t.Error("no bytes counted")
	}
	srv.Close()
	if _, err := lateReader(context.Background(), e, kit.NewTarget(stackmode.Sync, map[string]string{topology.OrderSvc: srv.URL}, ""), batch, kit.LogMark{}); err == nil {
		t.Error("a reader whose order-svc is gone did not fail")
	}
}

// fakeControl records stops and starts; startErr fails the first start of
// a service.
type fakeControl struct {
	stack.Unimplemented
	calls    []string
	startErr map[string]error
}

func (c *fakeControl) Runtime() string { return "fake" }
func (c *fakeControl) StopService(_ context.Context, _ stackmode.Mode, svc string) error {
	c.calls = append(c.calls, "stop "+svc)
	return nil
}
func (c *fakeControl) StartService(_ context.Context, _ stackmode.Mode, svc string) error {
	c.calls = append(c.calls, "start "+svc)
	if err := c.startErr[svc]; err != nil {
		delete(c.startErr, svc)
		return err
	}
	return nil
}
func (c *fakeControl) StopBroker(context.Context) (bool, error) { return false, nil }
func (c *fakeControl) StartBroker(context.Context) error        { return nil }
func (c *fakeControl) SetPropagation(context.Context, stackmode.Mode, config.Propagation) error {
	return nil
}
func (c *fakeControl) Propagation(stackmode.Mode) config.Propagation { return config.PropagationChild }
func (c *fakeControl) SetEnv(_ context.Context, _ stackmode.Mode, svc string, vars map[string]string) error {
	c.calls = append(c.calls, fmt.Sprintf("setenv %s %v", svc, vars))
	return nil
}

// Usage is ops-cost's; the restarts these tests drive never read it.
func (c *fakeControl) Usage(context.Context, stackmode.Mode) ([]usage.Component, error) {
	return nil, errors.New("fakeControl measures no usage")
}

func TestRestartEachIsRolling(t *testing.T) {
	c := &fakeControl{}
	e := &kit.Env{Control: c}
	outs, err := restartEach(context.Background(), e, kit.Target{Mode: stackmode.Sync}, time.Millisecond, []string{topology.InventorySvc, topology.InvoicingSvc})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(c.calls, ", "); got != "stop inventory-svc, start inventory-svc, stop invoicing-svc, start invoicing-svc" {
		t.Errorf("calls: %s", got)
	}
	if len(outs) != 2 || outs[0].Service != topology.InventorySvc || outs[1].Service != topology.InvoicingSvc {
		t.Errorf("outs = %+v", outs)
	}

	c = &fakeControl{startErr: map[string]error{topology.InventorySvc: errors.New("not ready")}}
	e = &kit.Env{Control: c}
	if _, err := restartEach(context.Background(), e, kit.Target{Mode: stackmode.Sync}, time.Millisecond, []string{topology.InventorySvc, topology.InvoicingSvc}); err == nil {
		t.Fatal("a failed start did not fail the deploy")
	}
	if got := strings.Join(c.calls, ", "); got != "stop inventory-svc, start inventory-svc, start inventory-svc" {
		t.Errorf("after a failed start, calls: %s; want one more start and no further restart", got)
	}
}
