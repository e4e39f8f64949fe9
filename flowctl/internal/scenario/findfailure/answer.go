package findfailure

import (
	"fmt"

	"github.com/orderflow/flowctl/internal/scenario/kit"
)

// saysTraces answers the operate-a-broker question in words: how many
// Jaeger lookups finding a failed order's cause took with trace context
// propagated (child) and without it (off).
func saysTraces(o kit.Outcome) string {
	child, okC := o.Count(Lookups.Def("child"))
	off, okO := o.Count(Lookups.Def("off"))
	offTraces, okT := o.Count(Traces.Def("off"))
	if !okC || !okO || !okT {
		return ""
	}
	return fmt.Sprintf("finding the cause took %s with trace context propagated, %s over %s without it",
		kit.Counted(child, "Jaeger lookup"), kit.Counted(off, "lookup"), kit.Counted(offTraces, "trace"))
}
