// Package load places orders at a steady rate (open loop: the next order is
// sent on schedule whether or not the previous ones were answered, as real
// clients do) and follows them until their status is final. Scenarios and
// `flowctl load` share it, so both measure the same way; OnStacks is that
// command, from the stacks object to the results.
package load

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/orderflow/flowctl/internal/api"
)

// Config is one load run.
type Config struct {
	Orders *api.Orders
	// Rate is orders per second (> 0).
	Rate float64
	// Count is how many orders to place; Duration, when Count is 0, is how
	// long to place them for (Rate × Duration orders).
	Count    int
	Duration time.Duration
	// Request gives the i-th order (0-based); nil uses Mix.
	Request func(i int) api.PlaceRequest
	// MaxInFlight bounds the POSTs waiting for an answer; once reached the
	// schedule slips (and Result.Slipped says so) instead of piling up
	// goroutines against a stalled service. Default 64.
	MaxInFlight int
	// Placed, if set, is called after each answer (from several goroutines,
	// one at a time).
	Placed func(Placed)
	// Until, when closed, ends the run early: no further order is sent, the
	// ones sent are answered, and Result holds only those. A run that lasts
	// as long as something else takes (a rolling deploy) sets Count as its
	// upper bound and closes Until when that is done; cancelling ctx instead
	// would cut the last orders' answers off.
	Until <-chan struct{}
}

// Placed is one order of the run.
type Placed struct {
	I       int              `json:"i"`
	Request api.PlaceRequest `json:"request"`
	At      time.Time        `json:"at"`
	// HTTPStatus is 0 when no answer came (connection refused, timeout).
	HTTPStatus  int     `json:"http_status"`
	PlacementMS float64 `json:"placement_ms"`
	// Order is the order as answered, then as last fetched by Follow.
	Order api.Order `json:"order"`
	// Problem is the problem+json of a 4xx/5xx answer; Err a transport error.
	Problem string `json:"problem,omitempty"`
	Err     string `json:"error,omitempty"`
}

// Accepted says whether the client was told the order will complete: a 2xx
// answer (201 CONFIRMED in sync mode, 202 PENDING in events mode). A 503
// FAILED or 409 REJECTED order has an id but was not accepted.
func (p Placed) Accepted() bool { return p.HTTPStatus >= 200 && p.HTTPStatus < 300 }

// HasID says whether order-svc created the order, whatever it answered: a
// 409 or a 503 still creates one (REJECTED, FAILED), a refused connection
// does not. Only such an order can be fetched back.
func (p Placed) HasID() bool { return p.Order.ID != "" }

// Status is the order's last known status, or "NOT PLACED".
func (p Placed) Status() string {
	if p.Order.Status == "" {
		return "NOT PLACED"
	}
	return string(p.Order.Status)
}

// Mix is the default order stream: small orders over the plentiful SKUs, so
// a run measures the flow, not stock running out.
func Mix(i int) api.PlaceRequest {
	skus := []string{"SKU-001", "SKU-002", "SKU-003", "SKU-004"}
	return api.PlaceRequest{
		CustomerID: fmt.Sprintf("load-%03d", i%1000),
		Items:      []api.Line{{SKU: skus[i%len(skus)], Qty: 1 + i%3}},
	}
}

// Plan is how many orders a config places.
func (c Config) Plan() (int, error) {
	if c.Rate <= 0 || c.Rate > 10000 {
		return 0, fmt.Errorf("rate %g: use 0 < rate ≤ 10000 orders per second", c.Rate)
	}
	n := c.Count
	if n == 0 {
		n = int(c.Rate*c.Duration.Seconds() + 0.5)
	}
	if n < 1 {
		return 0, fmt.Errorf("rate %g × duration %s is less than one order; raise either", c.Rate, c.Duration)
	}
	return n, nil
}

// Result is a run's placements, in the order they were sent.
type Result struct {
	Orders []Placed `json:"orders"`
	// Took is from the first POST to the last answer.
	Took time.Duration `json:"took_ns"`
	// Slipped counts orders sent late because MaxInFlight POSTs were waiting.
	Slipped int `json:"slipped"`
}

// Run places the orders on schedule and waits for every answer.
func Run(ctx context.Context, c Config) (Result, error) {
	n, err := c.Plan()
	if err != nil {
		return Result{}, err
	}
	if c.Request == nil {
		c.Request = Mix
	}
	if c.MaxInFlight <= 0 {
		c.MaxInFlight = 64
	}
	res := Result{Orders: make([]Placed, n)}
	interval := time.Duration(float64(time.Second) / c.Rate)
	slots := make(chan struct{}, c.MaxInFlight)
	var mu sync.Mutex // serialises the Placed callback
	var wg sync.WaitGroup
	start := time.Now()
	sent := 0
	for i := range n {
		due := start.Add(time.Duration(i) * interval)
		if d := time.Until(due); d > 0 {
			select {
			case <-ctx.Done():
				wg.Wait()
				return res, ctx.Err()
			case <-c.Until:
			case <-time.After(d):
			}
		}
		if stopped(c.Until) {
			break
		}
		select {
		case slots <- struct{}{}:
		default:
			res.Slipped++
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				wg.Wait()
				return res, ctx.Err()
			}
		}
		sent++
		wg.Go(func() {
			defer func() { <-slots }()
			p := place(ctx, c.Orders, i, c.Request(i))
			res.Orders[i] = p
			if c.Placed != nil {
				mu.Lock()
				c.Placed(p)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	res.Orders = res.Orders[:sent] // orders go out in index order
	res.Took = time.Since(start)
	return res, ctx.Err()
}

// stopped says whether until is closed (a nil channel never is).
func stopped(until <-chan struct{}) bool {
	select {
	case <-until:
		return true
	default:
		return false
	}
}

func place(ctx context.Context, o *api.Orders, i int, req api.PlaceRequest) Placed {
	p := Placed{I: i, Request: req, At: time.Now()}
	got, err := o.Place(ctx, req)
	p.PlacementMS = float64(time.Since(p.At).Microseconds()) / 1000
	p.HTTPStatus, p.Order = got.HTTPStatus, got.Order
	if err != nil {
		if pe, ok := errors.AsType[*api.ProblemError](err); ok {
			p.Problem = pe.Error()
		} else {
			p.Err = err.Error()
		}
	}
	return p
}
