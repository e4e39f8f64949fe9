package opscost

import "github.com/orderflow/flowctl/internal/scenario/kit"

// The metrics of ops-cost: what a mode's components took to run one load.
// Totals count the mode's services and, in events mode, the broker; the
// shared tracing backend (Jaeger) has metrics of its own and is in neither
// total.
var (
	Components    = kit.MetricDef{Key: "ops_components", Label: "components to run (services, and the broker in events; Jaeger not counted)", Short: "components", Unit: kit.UnitComponents}
	Processes     = kit.MetricDef{Key: "ops_processes", Label: "processes in them (Docker: each container's init included)", Short: "processes", Unit: kit.UnitProcesses}
	MustBeHealthy = kit.MetricDef{Key: "ops_must_be_healthy", Label: "things that had to be healthy for an order to complete (from the topology table)", Short: "had to be healthy", Unit: kit.UnitComponents}
	RSS           = kit.MetricDef{Key: "ops_rss_mib", Label: "memory at the end (summed, MiB; RSS natively, as docker stats in Docker)", Short: "memory", Unit: kit.UnitMiB}
	CPU           = kit.MetricDef{Key: "ops_cpu_s", Label: "CPU during the load (summed)", Short: "CPU", Unit: kit.UnitSeconds}
	CPUPerOrder   = kit.MetricDef{Key: "ops_cpu_ms_per_order", Label: "CPU per order placed", Short: "CPU per order", Unit: kit.UnitMS}
	Window        = kit.MetricDef{Key: "ops_window_ms", Label: "load window (placing the first order to seeing the last final)", Short: "load window", Unit: kit.UnitMS}
	BrokerRSS     = kit.MetricDef{Key: "ops_broker_rss_mib", Label: "broker memory at the end (MiB; RSS natively, as docker stats in Docker)", Short: "broker memory", Unit: kit.UnitMiB}
	BrokerCPU     = kit.MetricDef{Key: "ops_broker_cpu_s", Label: "broker CPU during the load", Short: "broker CPU", Unit: kit.UnitSeconds}
	// LogBytesPer1000 is the broker's log dir growth during the load per
	// 1,000 orders, when the runtime could measure its disk.
	LogBytesPer1000 = kit.MetricDef{Key: "ops_log_bytes_per_1000_orders", Label: "broker log written per 1,000 orders (growth of its log dir)", Short: "log per 1,000 orders", Unit: kit.UnitBytes}
	TracingRSS      = kit.MetricDef{Key: "ops_tracing_rss_mib", Label: "Jaeger memory at the end (MiB; shared tracing, in neither total)", Short: "Jaeger memory", Unit: kit.UnitMiB}
	TracingCPU      = kit.MetricDef{Key: "ops_tracing_cpu_s", Label: "Jaeger CPU during the load (shared tracing, in neither total)", Short: "Jaeger CPU", Unit: kit.UnitSeconds}
)
