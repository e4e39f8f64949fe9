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

// saysRecovered answers the delayed-message question: in events the failed
// step left the order stuck until the fault cleared; in sync nothing waits
// for a message, the client's answer is the failure (the verdict's 503).
func saysRecovered(o kit.Outcome) string {
	if ms, ok := o.Metric(Recovered.Key); ok {
		return "the order stuck while invoicing-svc's consumer retried was final " + kit.FormatValue(ms.Value, ms.Unit) + " after the fault cleared"
	}
	if o.Mode == "sync" {
		return "no message waits: the order FAILED in the client's answer (HTTP 503) when invoicing-svc failed"
	}
	return ""
}
