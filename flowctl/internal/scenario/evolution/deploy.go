package evolution

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/platform/topology"
)

// restartAllowance bounds how long one restart may take for the deploy's
// load to still cover it (a container can take seconds to become ready);
// it only sizes the load's upper bound and the stock for it.
const restartAllowance = 30 * time.Second

// serviceOut is one service's restart: from the stop to its /readyz.
type serviceOut struct {
	Service string
	Out     time.Duration
}

// deployRun is what the rolling deploy measured.
type deployRun struct {
	// Base is a batch placed just before, with every service up.
	Base load.Summary
	// Deploy is the load placed while the services restarted, followed to
	// the end; Orders is how many it sent, Failed how many did not end
	// CONFIRMED or REJECTED.
	Deploy load.Summary
	Orders int
	Failed int
	Out    []serviceOut
	// Hold is how long each service was kept out on purpose (its new
	// version starting), part of every Out.
	Hold time.Duration
	// Why counts the failed orders by why they failed.
	Why map[string]int
	// Capped says the load reached its upper bound before the restarts
	// were done: the last restart ran without load.
	Capped bool
	// Followed is how the deploy's orders were followed.
	Followed kit.Followed
}

// rollingDeploy places a baseline batch, then restarts inventory-svc and
// then invoicing-svc one after the other while orders arrive at the steady
// rate, and follows those orders to the end. A step of DownFor/2 comes
// before, between and after the restarts, and each service is out for at
// least a step, so the load sees the stack before, during and after each.
func rollingDeploy(ctx context.Context, e *kit.Env, t kit.Target) (deployRun, error) {
	var d deployRun
	nBase := max(2, e.Size.Orders/2)
	step := e.Size.DownFor / 2
	d.Hold = step
	upper := max(1, int(e.Size.Rate*(5*step+2*restartAllowance).Seconds()+0.5))
	if err := e.StockFor(ctx, t, "rolling-deploy", nBase+upper, nil); err != nil { // while inventory-svc answers
		return d, err
	}
	e.Step("  rolling deploy baseline: placing %d orders at %g/s with every service up", nBase, e.Size.Rate)
	base, err := e.Place(ctx, t, "rolling-deploy baseline", nBase, e.Size.Rate, nil)
	if err != nil {
		return d, err
	}
	if _, err := e.Follow(ctx, t, "rolling-deploy baseline", &base); err != nil {
		return d, err
	}
	d.Base = load.Summarize(base)

	e.Step("  rolling deploy: orders at %g/s while %s, then %s restart, %s apart", e.Size.Rate, topology.InventorySvc, topology.InvoicingSvc, step)
	until := make(chan struct{})
	done := make(chan struct{})
	var res load.Result
	var runErr error
	go func() {
		defer close(done)
		res, runErr = load.Run(ctx, load.Config{Orders: t.Orders, Rate: e.Size.Rate, Count: upper, Until: until})
	}()
	d.Out, err = restartEach(ctx, e, t, step, []string{topology.InventorySvc, topology.InvoicingSvc})
	close(until)
	<-done
	if err != nil {
		return d, err
	}
	if runErr != nil {
		return d, fmt.Errorf("rolling deploy load: %w", runErr)
	}
	d.Orders, d.Capped = len(res.Orders), len(res.Orders) >= upper
	if d.Followed, err = e.Follow(ctx, t, "rolling-deploy", &res); err != nil {
		return d, err
	}
	d.Deploy = load.Summarize(res)
	d.Failed, d.Why = failedOrders(res)
	return d, nil
}

// restartEach waits step, then stops each service in turn, keeps it out
// for step (its new version starting) and starts it, with step after each,
// as a rolling deploy of one instance per service does.
// A service it stopped is started again even when the run is interrupted.
func restartEach(ctx context.Context, e *kit.Env, t kit.Target, step time.Duration, svcs []string) ([]serviceOut, error) {
	var outs []serviceOut
	wait := func() error {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(step):
			return nil
		}
	}
	if err := wait(); err != nil {
		return outs, err
	}
	for _, svc := range svcs {
		e.Step("  restarting %s (%s, %s): out for %s, its new version starting", svc, t.Mode, e.Control.Runtime(), step)
		stopAt := time.Now()
		if err := e.Control.StopService(ctx, t.Mode, svc); err != nil {
			// A stop that failed part way may have stopped it: start it
			// again so the stack is left whole.
			cctx, cancel := kit.CleanupCtx(ctx)
			_ = e.Control.StartService(cctx, t.Mode, svc)
			cancel()
			return outs, err
		}
		// The new version takes its time to start (a container pulled
		// and started, a JVM warming up, migrations); a bare native Go
		// restart takes ~100 ms and would hide that window, so each
		// service stays out for step first. Its out time is measured.
		werr := wait()
		if err := e.Control.StartService(ctx, t.Mode, svc); err != nil || werr != nil {
			cctx, cancel := kit.CleanupCtx(ctx)
			_ = e.Control.StartService(cctx, t.Mode, svc) // leave the stack whole
			cancel()
			return outs, cmp.Or(werr, err)
		}
		outs = append(outs, serviceOut{Service: svc, Out: time.Since(stopAt)})
		if err := wait(); err != nil {
			return outs, err
		}
	}
	return outs, nil
}

// failedOrders counts the orders of a run that did not end CONFIRMED or
// REJECTED (a REJECTED order was decided: out of stock is an answer): a
// 503 FAILED answer, no answer at all, or an order still not final after
// the follow; why counts them by the first part of their reason.
func failedOrders(r load.Result) (n int, why map[string]int) {
	why = map[string]int{}
	for _, p := range r.Orders {
		s := p.Status()
		if p.Order.Final && (s == "CONFIRMED" || s == "REJECTED") {
			continue
		}
		n++
		reason := cmp.Or(p.Order.Reason, p.Err, p.Problem)
		if !p.Order.Final && p.HasID() {
			reason = "still " + s + " after the follow"
		}
		why[s+": "+kit.Brief(reason)]++
	}
	return n, why
}
