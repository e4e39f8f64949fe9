package scenario

import (
	"fmt"
	"slices"
	"strings"

	"github.com/orderflow/flowctl/internal/scenario/addastep"
	"github.com/orderflow/flowctl/internal/scenario/brokerdown"
	"github.com/orderflow/flowctl/internal/scenario/cancelrace"
	"github.com/orderflow/flowctl/internal/scenario/deadline"
	"github.com/orderflow/flowctl/internal/scenario/downstreamdown"
	"github.com/orderflow/flowctl/internal/scenario/dualwrite"
	"github.com/orderflow/flowctl/internal/scenario/evolution"
	"github.com/orderflow/flowctl/internal/scenario/findfailure"
	"github.com/orderflow/flowctl/internal/scenario/happypath"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/scenario/laterejection"
	"github.com/orderflow/flowctl/internal/scenario/opscost"
	"github.com/orderflow/flowctl/internal/scenario/paymentdeclined"
	"github.com/orderflow/flowctl/internal/scenario/poison"
	"github.com/orderflow/flowctl/internal/scenario/readyourwrites"
	"github.com/orderflow/flowctl/internal/scenario/replay"
	"github.com/orderflow/flowctl/internal/scenario/scaleout"
	"github.com/orderflow/flowctl/internal/scenario/slowdownstream"
)

// All are the scenarios, in the order the workshop takes them. Adding a
// scenario is its package and one line here.
var All = []Scenario{
	happypath.Def,
	downstreamdown.Def,
	slowdownstream.Def,
	readyourwrites.Def,
	findfailure.Def,
	replay.Def,
	evolution.Def,
	poison.Def,
	brokerdown.Def,
	laterejection.Def,
	dualwrite.Def,
	paymentdeclined.Def,
	deadline.Def,
	cancelrace.Def,
	addastep.Def,
	opscost.Def,
	scaleout.Def,
}

// Names are the scenarios' names.
func Names() []string {
	out := make([]string, len(All))
	for i, s := range All {
		out[i] = s.Name
	}
	return out
}

// InAll are the scenarios "all" runs: every one a default stack can run
// (not those with a NotInAll reason).
func InAll() []Scenario {
	var out []Scenario
	for _, s := range All {
		if s.NotInAll == "" {
			out = append(out, s)
		}
	}
	return out
}

// Lookup finds scenarios by name, each once, in the order named; "all" is
// every one InAll has ("all scale-out" adds one it leaves out).
func Lookup(names []string) ([]Scenario, error) {
	var out []Scenario
	add := func(s Scenario) {
		if !slices.ContainsFunc(out, func(o Scenario) bool { return o.Name == s.Name }) {
			out = append(out, s)
		}
	}
	for _, n := range names {
		if n == "all" {
			for _, s := range InAll() {
				add(s)
			}
			continue
		}
		s, ok := Find(n)
		if !ok {
			return nil, fmt.Errorf("no scenario %q: use one of %s (or all); `flowctl scenario list` explains each", n, strings.Join(Names(), ", "))
		}
		add(s)
	}
	return out, nil
}

// Find is the scenario named name.
func Find(name string) (Scenario, bool) {
	i := slices.IndexFunc(All, func(s Scenario) bool { return s.Name == name })
	if i < 0 {
		return Scenario{}, false
	}
	return All[i], true
}

// MetricOf is the definition of key, from whichever scenario records it
// (they define it alike: kit.Check).
func MetricOf(key MetricKey) (kit.MetricDef, bool) {
	for _, s := range All {
		if m, ok := s.Metric(key); ok {
			return m, true
		}
	}
	return kit.MetricDef{}, false
}
