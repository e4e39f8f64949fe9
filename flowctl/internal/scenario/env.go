package scenario

import (
	"context"
	"fmt"
	"time"

	"github.com/orderflow/platform/config"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/investigate"
	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stats"
	"github.com/orderflow/flowctl/internal/stockup"
)

// Control is what a scenario may do to the runtime the stacks run in: the
// runtime itself (stack.Runtime), so every caller sees one view of it.
type Control = stack.Runtime

// Target is one running stack.
type Target struct {
	Mode      config.Mode
	URLs      map[string]string // by service
	Orders    *api.Orders
	Inventory *api.Inventory
	Invoicing *api.Invoicing
	// Admin is each service's fault-injection client, by service.
	Admin map[string]*api.Admin
}

// NewTarget builds the clients of a stack whose services answer at urls.
func NewTarget(mode config.Mode, urls map[string]string, adminToken string) Target {
	t := Target{
		Mode:      mode,
		URLs:      urls,
		Orders:    api.NewOrders(urls["order-svc"], nil),
		Inventory: api.NewInventory(urls["inventory-svc"], nil),
		Invoicing: api.NewInvoicing(urls["invoicing-svc"], nil),
		Admin:     map[string]*api.Admin{},
	}
	for svc, u := range urls {
		t.Admin[svc] = api.NewAdmin(u, svc, adminToken, nil)
	}
	return t
}

// Size scales the scenarios: the defaults make a workshop run; tests pass
// smaller numbers.
type Size struct {
	// Orders per measured batch and the rate they are sent at.
	Orders int
	Rate   float64
	// DownFor is how long a service or the broker stays down;
	// independent-evolution lets half of it pass around each restart.
	DownFor time.Duration
	// Latency is what slow-downstream adds to inventory-svc.
	Latency time.Duration
	// Settle bounds the wait for orders to become final.
	Settle time.Duration
}

// DefaultSize is a workshop run: about a minute for every scenario on both
// modes, natively.
var DefaultSize = Size{Orders: 40, Rate: 20, DownFor: 5 * time.Second, Latency: 300 * time.Millisecond, Settle: 90 * time.Second}

// Env is everything a scenario works with.
type Env struct {
	Control Control
	Targets map[config.Mode]Target
	// Brokers is where flowctl itself reads the event log (events mode).
	Brokers     []string
	TopicPrefix string
	// Jaeger, when set, is asked for traces.
	Jaeger *api.Jaeger
	// Propagations are the TRACE_PROPAGATION settings find-the-failure
	// compares (default child, link, off).
	Propagations []config.Propagation
	// RenderTrace, when set, draws an investigated order's trace as lines
	// (the terminal waterfall).
	RenderTrace func(investigate.Investigation) []string
	Size        Size
	// Say prints a step as it happens (to stderr with --json).
	Say func(format string, args ...any)
	// Progress, when set, shows a long step's progress (a bar on a TTY).
	Progress func(label string, done, total int)
	// followed is how the last follow polled, and at most how fast, for
	// the outcome to say.
	followed   load.FollowStats
	followRate float64
}

func (e *Env) say(format string, args ...any) {
	if e.Say != nil {
		e.Say(format, args...)
	}
}

func (e *Env) progress(label string, done, total int) {
	if e.Progress != nil {
		e.Progress(label, done, total)
	}
}

func (e *Env) target(m config.Mode) (Target, error) {
	t, ok := e.Targets[m]
	if !ok {
		return Target{}, fmt.Errorf("no %s stack: bring it up with `flowctl up --mode %s`", m, m)
	}
	return t, nil
}

// batch brings the stock the orders need (goods receipts) and places n
// orders at rate, showing progress; follow then waits for them (a scenario
// may break or mend something in between).
func (e *Env) batch(ctx context.Context, t Target, label string, n int, rate float64, req func(int) api.PlaceRequest) (load.Result, error) {
	if err := e.stockFor(ctx, t, label, n, req); err != nil {
		return load.Result{}, err
	}
	return e.place(ctx, t, label, n, rate, req)
}

// stockFor brings the stock n orders of req (nil: load.Mix) need.
func (e *Env) stockFor(ctx context.Context, t Target, label string, n int, req func(int) api.PlaceRequest) error {
	if req == nil {
		req = load.Mix
	}
	return e.stock(ctx, t, label, stockup.Plan{AtLeast: stockup.Need(n, req)})
}

// place is batch without the stock: for a scenario that stocked up before
// it broke inventory-svc.
func (e *Env) place(ctx context.Context, t Target, label string, n int, rate float64, req func(int) api.PlaceRequest) (load.Result, error) {
	placed := 0
	res, err := load.Run(ctx, load.Config{
		Orders: t.Orders, Rate: rate, Count: n, Request: req,
		Placed: func(load.Placed) { placed++; e.progress(label+": placing", placed, n) },
	})
	if err != nil {
		return res, fmt.Errorf("%s: %w", label, err)
	}
	return res, nil
}

// stock brings the SKUs a run orders to the level it needs (goods receipts,
// adjustments) and says so in one line.
func (e *Env) stock(ctx context.Context, t Target, label string, p stockup.Plan) error {
	line, err := stockup.Ensure(ctx, t.Inventory, label+"-"+string(t.Mode), p)
	if err != nil {
		return fmt.Errorf("%s: %w", label, err)
	}
	e.say("  %s", line)
	return nil
}

// follow waits until the batch's orders are final or Settle passes.
func (e *Env) follow(ctx context.Context, t Target, label string, res *load.Result) (notFinal int, err error) {
	total := 0
	for _, p := range res.Orders {
		if p.HasID() {
			total++
		}
	}
	e.followed = load.FollowStats{}
	// Sized to the batch, as the bench's and load's readers are: a large
	// events batch must not wait on the reader (sync's orders need no read).
	e.followRate = load.ReadRateFor(total, e.Size.Settle)
	notFinal, err = load.Follow(ctx, res, t.Orders, load.FollowConfig{
		Timeout:       e.Size.Settle,
		MaxGetsPerSec: e.followRate,
		Progress:      func(n int) { e.progress(label+": final", total-n, total) },
		Stats:         &e.followed,
	})
	if err == nil && e.followed.Revisit > 0 {
		e.say("  %s", e.followLine())
	}
	return notFinal, err
}

// followLine says what the follow's polling cost in resolution: times to
// consistency come from the services' timestamps, but when flowctl saw an
// order final lags by up to the longest revisit.
func (e *Env) followLine() string {
	return fmt.Sprintf("followed with %d reads (≤ %.0f/s): an order was seen final up to %s after it was (times to consistency are the services' own, exact)",
		e.followed.Gets, e.followRate, stats.Ms(float64(e.followed.Revisit.Microseconds())/1000))
}

// putFollow records the follow's resolution on o.
func (e *Env) putFollow(o *Outcome) {
	if e.followed.Revisit <= 0 {
		return
	}
	o.put(KeyFollowIntervalMS, "orders re-read every (longest)", float64(e.followed.Revisit.Milliseconds()), "ms")
	o.Details = append(o.Details, e.followLine())
}
