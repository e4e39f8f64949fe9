// Package addastep is the add-a-step scenario: a fraud check joins the flow
// (fraud-svc, FRAUD_CHECK=on) on a running stack, and what that touched is
// measured per style — services started and restarted, topics and consumer
// groups that appeared on the broker, messages per order, time to
// consistency and one order's trace before and after — and, with the step
// in, what its failure does (sync: the call is in the client's wait).
package addastep

import (
	"context"
	"fmt"

	"github.com/orderflow/flowctl/internal/scenario/kit"
)

// Def is add-a-step.
var Def = kit.Define(kit.Spec[measured]{
	About: kit.About{
		Name: "add-a-step",
		Summary: "a fraud check joins the running flow (fraud-svc, FRAUD_CHECK=on): services started and restarted, topics and groups added, " +
			"messages per order, time to consistency and one order's trace before and after; then fraud-svc stopped: who fails",
		Claim: "a new step costs each style differently: choreography rewires the consumers after it, orchestration changes the orchestrator only, " +
			"sync adds a call to the client's wait whose failure fails the order",
		Metrics:  metricDefs(),
		Headline: []kit.MetricKey{Restarted.Key, MsgsAfter.Key, AddedLatency.Key, TTCAfter.Key, DownFailed.Key},
		Answers: []kit.Answer{
			{Question: kit.Coupling, Place: 9, Keys: []kit.MetricKey{Started.Key, Restarted.Key, TopicsAdded.Key, DownFailed.Key}, Says: saysCoupling},
			{Question: kit.Consistency, Place: 9, Keys: []kit.MetricKey{TTCBefore.Key, TTCAfter.Key}, Says: saysConsistency},
		},
	},
	Run:   run,
	Judge: judge,
})

// measured is one stack's run: before, the change, after, the step down.
type measured struct {
	Before, After phase
	Change        joined
	Down          outage
	// Restored says the stack runs without the check again.
	Restored bool
}

// run measures the stack without the step, lets the step join, measures
// again, stops the step, and puts the stack back as it found it (off).
func run(ctx context.Context, e *kit.Env, t kit.Target) (m measured, err error) {
	if e.Control.FraudCheck(t.Mode) {
		e.Step("  the %s stack runs with the fraud check: turning it off to measure the flow without it", t.Mode)
		if _, err := e.Control.SetFraudCheck(ctx, t.Mode, false); err != nil {
			return m, err
		}
	}
	if m.Before, err = measure(ctx, e, t, "before"); err != nil {
		return m, err
	}
	defer func() {
		cctx, cancel := kit.CleanupCtx(ctx)
		defer cancel()
		_, rerr := e.Control.SetFraudCheck(cctx, t.Mode, false)
		if m.Restored = rerr == nil; rerr != nil && err == nil {
			err = fmt.Errorf("put the %s stack back without the fraud check: %w (`flowctl up --mode %s` does)", t.Mode, rerr, t.Mode)
		}
	}()
	if m.Change, err = join(ctx, e, t); err != nil {
		return m, err
	}
	if m.After, err = measure(ctx, e, t, "after"); err != nil {
		return m, err
	}
	if err = m.Change.readAdded(ctx, e, t); err != nil {
		return m, err
	}
	m.Down, err = withStepDown(ctx, e, t)
	return m, err
}
