package findfailure

import (
	"fmt"

	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/platform/config"
)

// tracedCost is what finding one failed order's cause took under one
// TRACE_PROPAGATION setting, as the investigation counted it.
type tracedCost struct {
	prop    config.Propagation
	lookups int
	found   bool
	// why is the failure line built from the spans ("failed in
	// invoicing-svc: …"), empty when no span explained the order.
	why string
}

// judgeCosts says whether the measured costs show the claim: with the
// context carried (child, else the first setting tried) the spans explain the
// failure, and with nothing carried (off) finding it costs strictly more
// lookups or does not succeed at all. link is reported, not judged: over HTTP
// it carries the context as child does, so sync pays the same for it. It
// returns the verdict and the sentence saying why.
func judgeCosts(tried []tracedCost) (bool, string) {
	if len(tried) == 0 {
		return false, "nothing measured"
	}
	base := tried[0]
	for _, c := range tried {
		if c.prop == config.PropagationChild {
			base = c
		}
	}
	if !base.found {
		return false, fmt.Sprintf("even with %s the spans did not explain the failure", base.prop)
	}
	say := fmt.Sprintf("the spans say %q with %s in %d %s", kit.Brief(base.why), base.prop, base.lookups, kit.Plural(base.lookups, "lookup"))
	holds := true
	for _, c := range tried {
		if c.prop == base.prop {
			continue
		}
		switch {
		case !c.found:
			say += fmt.Sprintf("; %s never found it (%d %s spent)", c.prop, c.lookups, kit.Plural(c.lookups, "lookup"))
		case c.lookups > base.lookups:
			say += fmt.Sprintf("; %s took %d lookups", c.prop, c.lookups)
		default:
			say += fmt.Sprintf("; %s took %d, no more", c.prop, c.lookups)
			if c.prop == config.PropagationOff {
				holds = false
				say += ": carrying no context cost nothing extra"
			}
		}
	}
	return holds, say
}

// compareModes checks the claim across the stacks once they ran: with the
// context carried (child), an events stack must need no more lookups than
// sync — tracing discipline, not the transport, decides the cost (an
// outcome stops holding when sync shows it wrong); the two events styles
// are then put side by side.
func compareModes(r *kit.Run) {
	if sync := outcomeOf(r, stackmode.Sync); sync != nil {
		for _, m := range []stackmode.Mode{stackmode.Events, stackmode.Orchestration} {
			if ev := outcomeOf(r, m); ev != nil {
				childAgainstSync(sync, ev, m)
			}
		}
	}
	compareStyles(outcomeOf(r, stackmode.Events), outcomeOf(r, stackmode.Orchestration))
}
