// Package guide holds the workshop's guided runs on one stack: Demo
// (`flowctl demo`: a fixed mix of orders, their latency, consistency and
// traces) and Walkthrough (`flowctl walkthrough`: three steps, with a few
// words on what to look at). It sits above scenario and report, which it
// combines; scenario cannot print (report imports it).
package guide

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/explain"
	"github.com/orderflow/flowctl/internal/report"
	"github.com/orderflow/flowctl/internal/scenario"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// DemoSetup is what `flowctl demo` sets.
type DemoSetup struct {
	Mode stackmode.Mode
	// Orders is how many orders to place (2–500).
	Orders int
	// Up brings the stack up; its Progress gets the steps and each order
	// as it is placed.
	Up stack.UpOptions
	// Stderr gets the end of the log of a process that did not start.
	Stderr io.Writer
}

// Check refuses a demo that cannot run, before anything is started or
// locked.
func (set DemoSetup) Check() error {
	if set.Orders < 2 || set.Orders > 500 {
		return fmt.Errorf("--orders %d: use 2 to 500 (one of them is the always-rejected %s order)", set.Orders, scenario.ScarceSKU)
	}
	return nil
}

// Demo brings the mode's stack up where s says, places the mix of orders
// and follows each until it is final, and, with Jaeger, its trace.
func Demo(ctx context.Context, s *stack.Stacks, set DemoSetup) (scenario.DemoResult, error) {
	if err := set.Check(); err != nil {
		return scenario.DemoResult{}, err
	}
	progress := set.Up.Progress
	st, _, err := explain.Up(ctx, s, set.Mode, set.Up, set.Stderr)
	if err != nil {
		return scenario.DemoResult{}, err
	}
	cfg := scenario.DemoConfig{
		Orders:        api.NewOrders(st.OrderURL(), nil),
		Inventory:     api.NewInventory(st.URLs[topology.InventorySvc], nil),
		Say:           func(line string) { fmt.Fprintln(progress, line) },
		N:             set.Orders,
		PollEvery:     20 * time.Millisecond,
		SettleTimeout: 30 * time.Second,
		TraceTimeout:  10 * time.Second,
		Placed:        func(o scenario.OrderResult) { report.Placed(progress, o) },
	}
	if st.Jaeger {
		cfg.Jaeger = api.NewJaeger(s.Jaeger, nil)
	}
	fmt.Fprintf(progress, "\nplacing %d orders on order-svc %s\n", set.Orders, st.OrderURL())
	orders, err := scenario.Demo(ctx, cfg)
	if err != nil {
		return scenario.DemoResult{}, explain.Interrupted(ctx, explain.Unreachable(err, "order-svc at "+st.OrderURL(), string(set.Mode)))
	}
	return scenario.DemoResult{Mode: string(set.Mode), OrderURL: st.OrderURL(), Jaeger: st.Jaeger, JaegerUI: st.JaegerUI, Orders: orders}, nil
}
