package scaleout

import (
	"github.com/orderflow/flowctl/internal/cores"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// CoresText is cores.Text for a scale-out run in mode: Service's replicas
// and the others beside them (the stack's other services, flowctl's load
// and, on a brokered stack, the broker; the database and tracing are not
// counted) share the cores. The compare report prints it too.
func CoresText(n, others int, mode stackmode.Mode) string {
	counted := "processes (services, flowctl's load)"
	if brokered(mode) {
		counted = "processes (services, the broker, flowctl's load)"
	}
	return cores.Text(n, Replicas+others, counted)
}

// coresLine says, beside every ceiling, how many cores the run had
// (CoresText) and, when they are too few, where to run it instead.
func coresLine(n, others int, mode stackmode.Mode) string {
	line := CoresText(n, others, mode)
	if cores.CPUBound(n, Replicas+others) {
		line += "; run it where each replica has a core to see what replicas buy"
	}
	return line
}
