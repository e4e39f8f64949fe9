package guide

import (
	"bytes"
	"context"
	"errors"
	"net"
	"strings"
	"testing"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stack/stacktest"
	"github.com/orderflow/flowctl/internal/stackmode"
)

func TestDemoPlacesTheMixAndFollowsIt(t *testing.T) {
	st := fakeStack(t, stackmode.Sync, "")
	rt := &stacktest.Runtime{Stacks: map[stackmode.Mode]stack.Stack{stackmode.Sync: st}}
	var progress bytes.Buffer
	res, err := Demo(context.Background(), stacktest.New(t, rt, nil), DemoSetup{Mode: stackmode.Sync, Orders: 4, Up: stack.UpOptions{Progress: &progress}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Mode != "sync" || res.OrderURL != st.OrderURL() || res.Jaeger || len(res.Orders) != 4 {
		t.Errorf("result = %+v", res)
	}
	rejected := 0
	for _, o := range res.Orders {
		if o.Order.Status == "REJECTED" {
			rejected++
		}
	}
	if rejected != 1 {
		t.Errorf("%d orders rejected, want the scarce one", rejected)
	}
	out := progress.String()
	if !strings.Contains(out, "placing 4 orders on order-svc "+st.OrderURL()+"\n") || !strings.Contains(out, "stock for demo:") || strings.Count(out, "#") < 4 {
		t.Errorf("progress:\n%s", out)
	}
}

func TestDemoChecksOrdersBeforeBringingUp(t *testing.T) {
	for _, n := range []int{1, 501} {
		rt := &stacktest.Runtime{UpErr: errors.New("must not come up")}
		_, err := Demo(context.Background(), stacktest.New(t, rt, nil), DemoSetup{Mode: stackmode.Sync, Orders: n})
		if err == nil || !strings.Contains(err.Error(), "use 2 to 500 (one of them is the always-rejected SKU-005 order)") || len(rt.Ups()) != 0 {
			t.Errorf("--orders %d: err = %v, brought up %v", n, err, rt.Ups())
		}
	}
}

func TestDemoSaysWhichStackToStart(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gone := "http://" + ln.Addr().String()
	ln.Close()
	rt := &stacktest.Runtime{Stacks: map[stackmode.Mode]stack.Stack{stackmode.Events: {Mode: stackmode.Events,
		URLs: map[string]string{topology.OrderSvc: gone, topology.InventorySvc: gone}}}}
	_, err = Demo(context.Background(), stacktest.New(t, rt, nil), DemoSetup{Mode: stackmode.Events, Orders: 2, Up: stack.UpOptions{Progress: &bytes.Buffer{}}})
	if err == nil || !strings.Contains(err.Error(), "does not answer (connection refused); start the events stack with `flowctl up --mode events`") {
		t.Errorf("err = %v", err)
	}
}
