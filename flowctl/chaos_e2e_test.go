package main

import (
	"context"
	"math/rand/v2"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/audit"
	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stockup"
)

const (
	// chaosDeadline is ORDER_DEADLINE for the chaos run: short enough to
	// fire in every break (a consumer killed mid-session stalls its group
	// for the 6 s session timeout), long enough (about 100 × the usual time
	// to consistency) not to cancel the orders that flow between breaks.
	chaosDeadline = 3 * time.Second
	// chaosDeclineRate is invoicing-svc's decline_rate fault.
	chaosDeclineRate = 0.2
	// chaosCancelShare of the accepted orders are cancelled by their
	// customer, each within chaosCancelWithin of its answer.
	chaosCancelShare  = 0.25
	chaosCancelWithin = 300 * time.Millisecond
	// chaosSeed makes the cancels (which orders, when) the same every run.
	chaosSeed   = 19
	chaosToken  = "chaos-test-token"
	chaosRate   = 25.0
	chaosMaxLen = 2000 // orders at most; the run ends once they flow after the last break
)

// chaosRequest is load.Mix with every 8th order from cust-thrifty (a €100
// credit limit), so that credit runs out, is given back by voids and is
// checked against the invoices.
func chaosRequest(i int) api.PlaceRequest {
	r := load.Mix(i)
	if i%8 == 0 {
		r.CustomerID = "cust-thrifty"
	}
	return r
}

// TestEventsLedgerHoldsWhenProcessesAreKilledMidSaga is the kill test with
// the saga's every path in play: payments declined (decline_rate and a
// customer over its credit), deadlines that fire (inventory-svc is kept
// down until one has), and customers cancelling at random moments (seeded),
// while each service in turn is killed with SIGKILL and started again and —
// on the embedded broker — the broker restarts. Afterwards every accepted
// order is final, each cancel's answer agrees with how its order ended, and
// the ledger check (flowctl audit, settling) finds nothing held or charged
// that should not be (chaosRun.failures). It runs on the embedded broker
// and, with KAFKA_BROKERS set (CI's Apache Kafka), again on that broker
// under a topic prefix of its own, without restarting it: the rest of
// `make test` shares it.
func TestEventsLedgerHoldsWhenProcessesAreKilledMidSaga(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the events stack as processes; skipped with -short")
	}
	t.Run("embedded broker", func(t *testing.T) { killMidSaga(t, "") })
	if external := os.Getenv("KAFKA_BROKERS"); external != "" {
		t.Run("KAFKA_BROKERS", func(t *testing.T) { killMidSaga(t, external) })
	}
}

// killMidSaga is one chaos run on the broker external names ("": the
// embedded one).
func killMidSaga(t *testing.T, external string) {
	ks := upKillStack(t, "chaos", external, chaosEnv())
	run := chaosSaga(t, ks)
	for _, f := range run.failures() {
		t.Error(f)
	}
}

// chaosEnv is the services' environment for a chaos run.
func chaosEnv() map[string]string {
	return map[string]string{"ORDER_DEADLINE": chaosDeadline.String(), "ADMIN_TOKEN": chaosToken}
}

// chaosSaga places orders on ks's stack while it breaks it (ks.breaks, in
// turn, each once the orders flow again), follows every order to its end
// and checks the ledger.
func chaosSaga(t *testing.T, ks *killStack) chaosRun {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	urls := stack.StackURLs(ks.base, ks.mode)
	clients := audit.ClientsAt(urls)
	if _, err := stockup.Ensure(ctx, clients.Inventory, "chaos-test", stockup.Plan{AtLeast: stockup.Need(chaosMaxLen, chaosRequest)}); err != nil {
		t.Fatal(err)
	}
	setDeclines := func() {
		t.Helper()
		for _, u := range ks.urls(topology.InvoicingSvc) { // faults live in each process
			admin := api.NewAdmin(u, topology.InvoicingSvc, chaosToken, nil)
			if _, err := admin.SetFaults(ctx, api.Faults{DeclineRate: chaosDeclineRate}); err != nil {
				t.Fatal(err)
			}
		}
	}
	setDeclines()

	cs := &canceller{orders: clients.Orders, rng: rand.New(rand.NewPCG(chaosSeed, chaosSeed))}
	until := make(chan struct{})
	var res load.Result
	var loadErr error
	var wg sync.WaitGroup
	wg.Go(func() {
		res, loadErr = load.Run(ctx, load.Config{Orders: clients.Orders, Rate: chaosRate, Count: chaosMaxLen, Request: chaosRequest, Until: until,
			Placed: func(p load.Placed) { cs.maybe(ctx, p) }})
	})
	// Each break hits a stack whose orders flow again: a consumer killed
	// mid-session stalls its group for the session timeout, and breaks on
	// top of each other would only measure the deadline.
	breaks := ks.breaks()
	for _, target := range breaks {
		waitFlowing(ctx, t, clients.Orders)
		switch target {
		case brokerBreak:
			ks.restartBroker()
			continue
		case "inventory":
			killed := time.Now()
			ks.kill(target)
			waitDeadlineFired(ctx, t, clients.Orders, killed)
		default:
			ks.kill(target)
		}
		ks.start(target)
		if target == "invoicing" {
			setDeclines() // faults live in the process: the restart cleared them
		}
	}
	waitFlowing(ctx, t, clients.Orders)
	close(until)
	wg.Wait()
	cs.wait()
	if loadErr != nil {
		t.Fatal(loadErr)
	}
	// The deadline bounds every order's life, so this wait is short.
	if _, err := load.Follow(ctx, &res, clients.Orders, load.FollowConfig{Timeout: time.Minute}); err != nil {
		t.Fatal(err)
	}
	rep, err := audit.Check(ctx, clients, audit.Options{Mode: ks.mode, Settle: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	run := chaosRun{Placed: res.Orders, Cancels: cs.tries, Ledger: rep}
	accepted, outcomes, cancels := run.tally()
	t.Logf("%s: %d of %d orders accepted through %v; outcomes %s; cancels %s (seed %d)", ks.mode, accepted, len(res.Orders), ks.log, sortedCounts(outcomes), sortedCounts(cancels), chaosSeed)
	t.Logf("%s — %s", rep.Verdict(), rep.Checks())
	return run
}

// waitFlowing polls order-svc's newest orders until one placed from now
// on is CONFIRMED: the stack takes orders through again.
func waitFlowing(ctx context.Context, t *testing.T, orders *api.Orders) {
	t.Helper()
	since, within := time.Now(), 60*time.Second
	for deadline := since.Add(within); ; {
		if newest, err := orders.List(ctx, 100); err == nil {
			for _, o := range newest {
				if o.Status == "CONFIRMED" && o.PlacedAt.After(since) {
					t.Logf("orders flow: one placed within %s of asking is CONFIRMED", time.Since(since).Round(time.Millisecond))
					return
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no order placed in the last %s was confirmed: the stack did not recover from the break", within)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitDeadlineFired polls order-svc's newest orders until one placed since
// is CANCELLED by the deadline: inventory-svc stays down until then, so
// that the run has orders whose reservation comes after their cancellation.
func waitDeadlineFired(ctx context.Context, t *testing.T, orders *api.Orders, since time.Time) {
	t.Helper()
	within := 10*chaosDeadline + 10*time.Second
	for deadline := time.Now().Add(within); ; {
		if newest, err := orders.List(ctx, 100); err == nil {
			for _, o := range newest {
				if o.Status == "CANCELLED" && o.Reason == "deadline" && o.PlacedAt.After(since) {
					t.Logf("order %s cancelled by the deadline while inventory-svc was down", o.ID)
					return
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no order cancelled by the deadline (%s) within %s of killing inventory-svc", chaosDeadline, within)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// canceller cancels a seeded share of the accepted orders, each after a
// seeded delay, and records what order-svc answered.
type canceller struct {
	orders *api.Orders
	rng    *rand.Rand // used from load's Placed callback only, one at a time
	wg     sync.WaitGroup
	mu     sync.Mutex
	tries  []cancelTry
}

func (c *canceller) maybe(ctx context.Context, p load.Placed) {
	if !p.Accepted() || c.rng.Float64() >= chaosCancelShare {
		return
	}
	after := time.Duration(c.rng.Int64N(int64(chaosCancelWithin)))
	c.wg.Go(func() {
		select {
		case <-ctx.Done():
			return
		case <-time.After(after):
		}
		got, err := c.orders.Cancel(ctx, p.Order.ID)
		try := cancelTry{ID: p.Order.ID, HTTPStatus: got.HTTPStatus, Status: string(got.Order.Status)}
		if err != nil && got.HTTPStatus != 409 {
			try.Err = err.Error() // no answer (order-svc down: status 0), or a wrong one
		}
		c.mu.Lock()
		c.tries = append(c.tries, try)
		c.mu.Unlock()
	})
}

func (c *canceller) wait() { c.wg.Wait() }
