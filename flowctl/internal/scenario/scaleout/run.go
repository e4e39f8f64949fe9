package scaleout

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"time"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/scenario/kit"
)

// scaleAllowance bounds how long one change may take for the load to still
// cover it; it only sizes the load's upper bound and the stock for it.
const scaleAllowance = 60 * time.Second

// DuplicatesMetric is the services' count of redeliveries the inbox skipped.
const DuplicatesMetric = "consumer_duplicate_events_total"

// scaleRun is what scale-out measured on one stack.
type scaleRun struct {
	// Cores is runtime.NumCPU here; Others counts the processes beside
	// Service's replicas that share them (the stack's other services, the
	// broker, flowctl's load).
	Cores, Others int
	Rate          float64
	Hold          time.Duration
	Phases        []phase
	Res           load.Result
	Followed      kit.Followed
	// Capped says the load reached its upper bound before the changes were
	// done.
	Capped bool
	// Duplicates is the rise of DuplicatesMetric at Service's address.
	Duplicates   float64
	DuplicatesOK bool
	Cap          *capRun
}

// run holds a steady load at --rate while Service goes 1 → 3 → 1 replicas,
// follows the orders to the end, reads the redeliveries the inbox skipped
// and, on a brokered stack, shows the partition cap. That no event was
// applied twice is the ledger check's to say (kit runs it after every run).
func run(ctx context.Context, e *kit.Env, t kit.Target) (scaleRun, error) {
	s := scaleRun{Cores: runtime.NumCPU(), Others: others(t), Rate: e.Size.Rate, Hold: hold(e.Size)}
	if err := e.Control.Scale(ctx, t.Mode, Service, 1); err != nil {
		return s, fmt.Errorf("scale %s to 1 before the run: %w", Service, err)
	}
	upper := max(1, int(s.Rate*(3*s.Hold+2*scaleAllowance).Seconds()+0.5))
	if err := e.StockFor(ctx, t, "scale-out", upper, nil); err != nil {
		return s, err
	}
	dupsBefore, okBefore := duplicates(ctx, t)
	e.Step("  scale-out: orders at %g/s for the whole run; %d cores here", s.Rate, s.Cores)
	until, done := make(chan struct{}), make(chan struct{})
	var runErr error
	go func() {
		defer close(done)
		s.Res, runErr = load.Run(ctx, load.Config{Orders: t.Orders, Rate: s.Rate, Count: upper, Until: until})
	}()
	ws, err := scaleSteps(ctx, e, t, s.Hold)
	close(until)
	<-done
	if err != nil {
		return s, err
	}
	if runErr != nil {
		return s, fmt.Errorf("scale-out load: %w", runErr)
	}
	s.Capped = len(s.Res.Orders) >= upper
	if s.Followed, err = e.Follow(ctx, t, "scale-out", &s.Res); err != nil {
		return s, err
	}
	s.Phases = split(s.Res, ws)
	dupsAfter, okAfter := duplicates(ctx, t)
	s.Duplicates, s.DuplicatesOK = dupsAfter-dupsBefore, okBefore && okAfter && dupsAfter >= dupsBefore
	if brokered(t.Mode) {
		c, err := partitionCap(ctx, e, t, brokerView(e, t))
		if err != nil {
			return s, err
		}
		s.Cap = &c
	}
	return s, nil
}

// hold is how long each steady window lasts: long enough for a p95 at the
// workshop's rate (2 × DownFor, 10 s by default).
func hold(z kit.Size) time.Duration { return max(2*z.DownFor, time.Second) }

// others counts the processes besides Service's replicas: the stack's
// other services, flowctl's load and, on a brokered stack, the broker.
func others(t kit.Target) int {
	otherServices, flowctl := len(t.URLs)-1, 1
	if brokered(t.Mode) {
		return otherServices + flowctl + 1
	}
	return otherServices + flowctl
}

// duplicates reads DuplicatesMetric at Service's address: through a load
// balancer that is one replica's count, so the rise is a lower bound.
func duplicates(ctx context.Context, t kit.Target) (float64, bool) {
	m, err := api.GetMetrics(ctx, t.URLs[Service], &http.Client{Timeout: 5 * time.Second})
	if err != nil {
		return 0, false
	}
	v, ok := m[DuplicatesMetric]
	return v, ok
}
