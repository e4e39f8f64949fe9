package scenario

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/orderflow/platform/config"
)

// Scenario puts one of the article's claims to the test against one mode.
type Scenario struct {
	Name string
	// Summary is the one line `scenario list` shows.
	Summary string
	// Claim is the article's claim the scenario measures.
	Claim string
	run   func(ctx context.Context, e *Env, t Target) (Outcome, error)
	// across, when set, judges the modes against each other once every mode
	// ran: a claim such as "events cost no more than sync" needs both.
	across func(r *Run)
}

// All are the scenarios, in the order the workshop takes them.
var All = []Scenario{
	{Name: "happy-path", run: happyPath,
		Summary: "orders at a steady rate, nothing broken: placement latency and time to consistency, p50/p99",
		Claim:   "sync answers when everything is done; events answer at once and become consistent later"},
	{Name: "downstream-down", run: downstreamDown,
		Summary: "inventory-svc stopped while orders arrive: sync share failed; events share accepted, backlog, catch-up after restart",
		Claim:   "events remove coupling: with inventory down, sync orders fail while events orders are accepted and complete later"},
	{Name: "slow-downstream", run: slowDownstream,
		Summary: "a baseline batch, then inventory-svc answers 300 ms late: placement and time to consistency added per mode (measured against the baseline), consumer backlog in events mode",
		Claim:   "a slow dependency slows every sync call; in events mode it grows a backlog instead"},
	{Name: "read-your-writes", run: readYourWrites,
		Summary: "read each order right after placing it: share still PENDING, time-to-consistency distribution",
		Claim:   "events mean eventual consistency: right after placing an order its status depends on who caught up"},
	{Name: "find-the-failure", run: findTheFailure, across: compareModes,
		Summary: "one order fails in invoicing-svc: how many traces, spans and lookups it takes to find why, per TRACE_PROPAGATION",
		Claim:   "debugging is harder with events: one call stack becomes a trail across services and a log, unless tracing is disciplined"},
	{Name: "replay", run: replay,
		Summary: "build a read model no service has (every order's history, units per SKU and revenue per hour) from offset 0 of the three topics; check it against the live state; sync: what history the APIs keep",
		Claim:   "an event log gives auditability and replay"},
	{Name: "independent-evolution", run: independentEvolution,
		Summary: "a reader that joins after a batch of orders (events: a new consumer group from offset 0; sync: order-svc's API): share of past orders and steps it sees, catch-up, requests to order-svc by its /metrics; then inventory-svc and invoicing-svc restart one after the other under load: orders failed, placement against a baseline",
		Claim:   "a logistics service and an invoicing service can evolve independently; teams can add consumers without touching the producer"},
	{Name: "poison-message", run: poisonMessage,
		Summary: "publish a malformed event: it lands in the dead-letter topic and the consumer goes on (`flowctl dlq list|redrive`)",
		Claim:   "a message can be bad; the design must say where it goes and that the rest keeps flowing"},
	{Name: "broker-down", run: brokerDown,
		Summary: "Kafka stopped while orders arrive: events keep accepting through the outbox and complete after it returns; sync does not notice",
		Claim:   "a broker is one more system to run; a delayed message has a cost the design must state"},
	{Name: "late-rejection", run: lateRejection,
		Summary: "SKU-005 scarce (half a unit per order on hand), orders of one unit each: how many customers were told accepted and learned later their order was rejected, and how much later; sync: rejected in the answer",
		Claim:   "eventual consistency has a cost to the customer: with scarce stock, events tell some customers 'accepted' and 'rejected' later, sync tells them at once"},
	{Name: "dual-write", run: dualWrite,
		Summary: "order-svc crashes right after an order's commit (fault crash_after_commit): orders PENDING for good with the outbox and with ORDER_PUBLISH=direct (commit, then publish); sync: the crash between the commit and the call to inventory-svc",
		Claim:   "a dropped message costs an order: publishing after the commit loses it on a crash, the outbox does not"},
	{Name: "ops-cost", run: opsCost, across: judgeOpsCost,
		Summary: "the same load on each mode (5× the batch size): components to run, RSS and CPU per component (broker included, Jaeger apart), broker log disk per 1,000 orders, what had to be healthy per order",
		Claim:   "a broker is a system to run, monitor, scale and back up; a REST API is much cheaper to operate"},
}

// Names are the scenarios' names.
func Names() []string {
	out := make([]string, len(All))
	for i, s := range All {
		out[i] = s.Name
	}
	return out
}

// Lookup finds scenarios by name; "all" is every one.
func Lookup(names []string) ([]Scenario, error) {
	var out []Scenario
	for _, n := range names {
		if n == "all" {
			return All, nil
		}
		i := slices.IndexFunc(All, func(s Scenario) bool { return s.Name == n })
		if i < 0 {
			return nil, fmt.Errorf("no scenario %q: use one of %s (or all); `flowctl scenario list` explains each", n, strings.Join(Names(), ", "))
		}
		out = append(out, All[i])
	}
	return out, nil
}

// Run runs s against each mode in turn (one after the other, so neither
// mode's numbers pay for the other's load on a small machine).
func (s Scenario) Run(ctx context.Context, e *Env, modes []config.Mode) (Run, error) {
	r := Run{Scenario: s.Name, Claim: s.Claim}
	for _, m := range modes {
		t, err := e.target(m)
		if err != nil {
			return r, err
		}
		e.say("%s · %s", s.Name, m)
		start := time.Now()
		o, err := s.run(ctx, e, t)
		o.Scenario, o.Mode, o.Started = s.Name, string(m), start
		o.TookMS = float64(time.Since(start).Milliseconds())
		if err != nil {
			return r, fmt.Errorf("scenario %s (%s): %w", s.Name, m, err)
		}
		r.Outcomes = append(r.Outcomes, o)
	}
	if s.across != nil {
		s.across(&r)
	}
	return r, nil
}
