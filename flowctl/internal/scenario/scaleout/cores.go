package scaleout

import "github.com/orderflow/flowctl/internal/cores"

// coresLine says, beside every ceiling, how many cores the run had for
// Service's replicas and the processes beside them (cores.Text, the rule
// the bench shares).
func coresLine(n, others int) string {
	line := cores.Text(n, Replicas+others)
	if cores.CPUBound(n, Replicas+others) {
		line += "; run it where each replica has a core to see what replicas buy"
	}
	return line
}

// coresShort is the verdict's: cores.Text alone.
func coresShort(n, others int) string { return cores.Text(n, Replicas+others) }
