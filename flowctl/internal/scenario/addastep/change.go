package addastep

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/kafkalog"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/flowctl/internal/stats"
)

// joined is the change as measured: which services got a new process, which
// topics and groups appeared on the broker, and what the topology said.
type joined struct {
	Design             topology.Change
	Started, Restarted []string
	Topics, Groups     []string
	// Had are the step's own topics and group that were on the broker
	// before the change (an earlier run made them): not added this time.
	Had  []string
	Took time.Duration
	// inv is the broker before the change, for readAdded.
	inv kafkalog.Inventory
}

// join turns the fraud check on in t's stack and measures what changed: the
// services' processes before and after (a new pid or container), the
// broker's topics and groups before and after.
func join(ctx context.Context, e *kit.Env, t kit.Target) (joined, error) {
	before, err := running(ctx, e, t)
	if err != nil {
		return joined{}, err
	}
	invBefore, err := inventory(ctx, e, t)
	if err != nil {
		return joined{}, err
	}
	start := time.Now()
	design, err := e.Control.SetFraudCheck(ctx, t.Mode, true)
	if err != nil {
		return joined{}, err
	}
	j := joined{Design: design, Took: time.Since(start)}
	after, err := running(ctx, e, t)
	if err != nil {
		return joined{}, err
	}
	j.Started, j.Restarted = compare(before, after)
	e.Step("  the step joined in %s: started %v, restarted %v (the topology says %v and %v)",
		stats.Duration(j.Took), j.Started, j.Restarted, design.Started, design.Restarted)
	j.inv = invBefore
	return j, nil
}

// readAdded reads what appeared on the broker since join looked: called
// after the batch that follows the change, since a new consumer's group
// appears only once it joined and committed.
func (j *joined) readAdded(ctx context.Context, e *kit.Env, t kit.Target) error {
	if !t.Mode.Kafka() || len(e.Brokers) == 0 {
		return nil
	}
	after, err := inventory(ctx, e, t)
	if err != nil {
		return err
	}
	added := j.inv.Added(after, t.Mode.TopicPrefix(e.TopicPrefix))
	j.Topics = stackTopics(added.Topics, t.Mode, e.TopicPrefix)
	j.Groups = slices.DeleteFunc(added.Groups, func(g string) bool {
		return t.Mode != stackmode.Orchestration && strings.HasPrefix(g, stackmode.Orchestration.TopicPrefix(e.TopicPrefix))
	})
	for _, name := range stepNames(t.Mode, e.TopicPrefix) {
		if slices.Contains(j.inv.Topics, name) || slices.Contains(j.inv.Groups, name) {
			j.Had = append(j.Had, name)
		}
	}
	e.Step("  on the broker since the change: topics added %v, consumer groups added %v (already there: %v)", j.Topics, j.Groups, j.Had)
	return nil
}

// stepNames are the topics the step adds to mode's stack (the topology with
// the check on, less the one without) and fraud-svc's group, as named on the
// broker.
func stepNames(m stackmode.Mode, base string) []string {
	used := func(on bool) []string {
		var out []string
		for _, s := range stack.System(m, on) {
			out = append(append(out, s.Consumes...), s.Produces...)
		}
		return out
	}
	before := used(false)
	var out []string
	for _, topic := range used(true) {
		name := m.TopicPrefix(base) + topic
		if !slices.Contains(before, topic) && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return append(out, m.Group(base, topology.FraudSvc))
}

// running are the stack's services' process ids, by service.
func running(ctx context.Context, e *kit.Env, t kit.Target) (map[string]int, error) {
	procs, why := e.Control.Processes(ctx, t.Mode)
	if len(procs) == 0 {
		return nil, fmt.Errorf("the %s stack's processes: %s", t.Mode, why)
	}
	out := map[string]int{}
	for _, p := range procs {
		if slices.Contains(stack.AllServices(), p.Name) {
			out[p.Name] = p.PID
		}
	}
	return out, nil
}

// compare: a service in after only started; one in both with another pid
// restarted. Each list in stack.AllServices' order.
func compare(before, after map[string]int) (started, restarted []string) {
	for _, svc := range stack.AllServices() {
		pid, ok := after[svc]
		switch old, had := before[svc]; {
		case ok && !had:
			started = append(started, svc)
		case ok && old != pid:
			restarted = append(restarted, svc)
		}
	}
	return started, restarted
}

// inventory is the broker's topics and groups; empty without a broker.
func inventory(ctx context.Context, e *kit.Env, t kit.Target) (kafkalog.Inventory, error) {
	if !t.Mode.Kafka() || len(e.Brokers) == 0 {
		return kafkalog.Inventory{}, nil
	}
	return kafkalog.ListInventory(ctx, e.Brokers)
}
