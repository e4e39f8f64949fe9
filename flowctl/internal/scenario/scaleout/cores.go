package scaleout

import "fmt"

// CPUBound says the machine has fewer cores than the replicas and the
// processes beside them: a ceiling set by the CPU cannot rise here.
func CPUBound(cores, others int) bool { return cores < Replicas+others }

// coresLine says, beside every ceiling, how many cores the run had and what
// that means for reading it.
func coresLine(cores, others int) string {
	if CPUBound(cores, others) {
		return fmt.Sprintf("%d cores for %d replicas and %d other processes: a CPU-bound ceiling cannot rise on this machine, "+
			"so a flat throughput here says the machine is full, not that scaling does not work (run it where each replica has a core)", cores, Replicas, others)
	}
	return fmt.Sprintf("%d cores for %d replicas and %d other processes: enough for each to have one", cores, Replicas, others)
}

// coresShort is coresLine for the verdict.
func coresShort(cores, others int) string {
	if CPUBound(cores, others) {
		return fmt.Sprintf("%d cores for %d processes: a CPU-bound ceiling cannot rise here (not 'scaling does not work')", cores, Replicas+others)
	}
	return fmt.Sprintf("%d cores for %d processes", cores, Replicas+others)
}
