package load

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stack/stacktest"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// recordingBar counts what a load shows on its bar.
type recordingBar struct {
	updates, dones int
	last           string
}

func (b *recordingBar) Update(label string, done, total int) { b.updates++; b.last = label }
func (b *recordingBar) Done()                                { b.dones++ }

// confirmingStack is a stack whose order-svc confirms every order at once
// and whose inventory-svc has plenty of every SKU.
func confirmingStack(t *testing.T, m stackmode.Mode) stack.Stack {
	t.Helper()
	var n atomic.Int64
	orders := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		id := strings.TrimPrefix(r.URL.Path, "/orders/")
		if r.Method == http.MethodPost {
			id = fmt.Sprintf("o-%d", n.Add(1))
			w.WriteHeader(http.StatusCreated)
		}
		ttf := 2.0
		_ = json.NewEncoder(w).Encode(api.Order{ID: id, Status: "CONFIRMED", Final: true, TimeToFinalMS: &ttf})
	}))
	t.Cleanup(orders.Close)
	stock := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(api.StockItem{SKU: strings.TrimPrefix(r.URL.Path, "/stock/"), Available: 1_000_000})
	}))
	t.Cleanup(stock.Close)
	return stack.Stack{Mode: m, URLs: map[string]string{topology.OrderSvc: orders.URL, topology.InventorySvc: stock.URL}}
}

func TestOnStacksLoadsEveryMode(t *testing.T) {
	rt := &stacktest.Runtime{Stacks: map[stackmode.Mode]stack.Stack{
		stackmode.Sync: confirmingStack(t, stackmode.Sync), stackmode.Events: confirmingStack(t, stackmode.Events)}}
	var progress bytes.Buffer
	bar := &recordingBar{}
	set := Setup{Rate: 100, Duration: 100 * time.Millisecond, Settle: 5 * time.Second, Up: stack.UpOptions{Progress: &progress}, Bar: bar}
	res, err := OnStacks(context.Background(), stacktest.New(t, rt, nil), []stackmode.Mode{stackmode.Sync, stackmode.Events}, set)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 2 || res[0].Mode != "sync" || res[1].Mode != "events" || res[0].Summary.ByStatus["CONFIRMED"] != 10 || res[1].Summary.Orders != 10 {
		t.Errorf("results = %+v", res)
	}
	if ups := rt.Ups(); len(ups) != 2 {
		t.Errorf("brought up %v", ups)
	}
	out := progress.String()
	if !strings.Contains(out, "placing 10 orders per stack at 100/s for 100ms\n") || !strings.Contains(out, "stock for load-events: enough of") {
		t.Errorf("progress:\n%s", out)
	}
	if bar.updates == 0 || bar.dones != 1 || !strings.HasSuffix(bar.last, "(sync+events)") {
		t.Errorf("bar: %+v", bar)
	}
}

func TestOnStacksSaysWhichServiceDoesNotAnswer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gone := "http://" + ln.Addr().String()
	ln.Close()
	rt := &stacktest.Runtime{Stacks: map[stackmode.Mode]stack.Stack{
		stackmode.Events: {Mode: stackmode.Events, URLs: map[string]string{topology.OrderSvc: gone, topology.InventorySvc: gone}}}}
	set := Setup{Rate: 10, Duration: time.Second, Settle: time.Second, Up: stack.UpOptions{Progress: &bytes.Buffer{}}, Bar: &recordingBar{}}
	_, err = OnStacks(context.Background(), stacktest.New(t, rt, nil), []stackmode.Mode{stackmode.Events}, set)
	if err == nil || !strings.Contains(err.Error(), "inventory-svc does not answer (connection refused); start the events stack with `flowctl up --mode events`") {
		t.Errorf("err = %v", err)
	}
}

func TestOnStacksChecksBeforeBringingUp(t *testing.T) {
	tests := []struct {
		set  Setup
		want string
	}{
		{Setup{Rate: 0, Duration: time.Second, Settle: time.Minute}, "--rate/--duration:"},
		{Setup{Rate: 1000, Duration: 101 * time.Second, Settle: time.Minute}, "--rate 1000 × --duration 1m41s is 101000 orders: keep it at 100000 or fewer"},
		{Setup{Rate: 10, Duration: time.Second, Settle: 500 * time.Millisecond}, "--settle 500ms: use at least 1s"},
	}
	for _, tt := range tests {
		rt := &stacktest.Runtime{UpErr: errors.New("must not be brought up")}
		_, err := OnStacks(context.Background(), stacktest.New(t, rt, nil), []stackmode.Mode{stackmode.Sync}, tt.set)
		if err == nil || !strings.Contains(err.Error(), tt.want) || len(rt.Ups()) != 0 {
			t.Errorf("%+v: err = %v (brought up %v), want %q", tt.set, err, rt.Ups(), tt.want)
		}
	}
}
