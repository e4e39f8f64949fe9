package stack

import (
	"slices"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/stackmode"
)

// fraud-svc joins a stack with the fraud check (FRAUD_CHECK=on) and leaves it
// with the check off: a stack without the step runs the three services it
// always ran, so turning the check on is a deployment of a new service, as
// it would be in production, and what add-a-step measures is honest.

// AllServices are every service a stack may run, fraud-svc last: what the
// runtimes build, stop and list.
func AllServices() []string { return append(topology.Names(), topology.FraudSvc) }

// Deployed are the services a stack runs with the fraud check on or off.
func Deployed(fraudCheck bool) []string {
	if fraudCheck {
		return AllServices()
	}
	return topology.Names()
}

// System is mode's stack as the topology has it with the check on or off,
// only the services it runs: sync's calls, an events style's topics.
func System(m stackmode.Mode, fraudCheck bool) []topology.Service {
	all := topology.SyncSystem(fraudCheck)
	if m.Kafka() {
		var err error
		if all, err = topology.System(m.Saga(), fraudCheck); err != nil {
			panic(err) // a Mode's saga is one of the topology's
		}
	}
	return slices.DeleteFunc(all, func(s topology.Service) bool { return !slices.Contains(Deployed(fraudCheck), s.Name) })
}

// FraudChange is what turning the check on (or off) in mode's stack does:
// fraud-svc starts (stops), and the services whose wiring changes restart.
func FraudChange(m stackmode.Mode, on bool) topology.Change {
	return topology.Diff(System(m, !on), System(m, on))
}

// OnOff is FRAUD_CHECK's value for on.
func OnOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}
