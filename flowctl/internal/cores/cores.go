// Package cores says how many CPU cores a run had and what that means for a
// ceiling measured with replicas: the one rule the bench, scale-out and the
// compare report share. On a machine with fewer cores than processes, a
// CPU-bound ceiling cannot rise with replicas, and a flat line there says the
// machine is full, not that scaling does not work.
package cores

import (
	"fmt"
	"runtime"
)

// Unknown is the cores of a run whose stacks ran off flowctl's machine (a
// cluster, a remote Docker host): flowctl cannot count them.
const Unknown = 0

// Of is how many cores the stacks had: runtime.NumCPU when they run on
// flowctl's machine (the runtime says so), else Unknown.
func Of(local bool) int {
	if !local {
		return Unknown
	}
	return runtime.NumCPU()
}

// CPUBound says the processes outnumber known cores: a ceiling set by the
// CPU cannot rise with replicas there.
func CPUBound(cores, processes int) bool { return cores != Unknown && cores < processes }

// Text is what a ceiling is printed beside: the cores for the processes
// that shared them, named by counted (what was counted: "service
// processes", or "processes: services, the broker, flowctl's load"), and,
// when they are outnumbered, what that means. The bench and scale-out count
// different things; the label says which, so neither reads as the other.
func Text(cores, processes int, counted string) string {
	switch {
	case cores == Unknown:
		return "cores: unknown (remote runtime)"
	case CPUBound(cores, processes):
		return fmt.Sprintf("%d cores for %d %s: a CPU-bound ceiling cannot rise with replicas here "+
			"(a flat line says the machine is full, not that scaling does not work)", cores, processes, counted)
	default:
		return fmt.Sprintf("%d cores for %d %s", cores, processes, counted)
	}
}
