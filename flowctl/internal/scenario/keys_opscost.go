package scenario

// Keys of ops-cost: what a mode's components took to run one load. Totals
// count the mode's services and, in events mode, the broker; the shared
// tracing backend (Jaeger) has keys of its own and is in neither total.
const (
	KeyOpsComponents       MetricKey = "ops_components"
	KeyOpsProcesses        MetricKey = "ops_processes"
	KeyOpsMustBeHealthy    MetricKey = "ops_must_be_healthy"
	KeyOpsRSSMiB           MetricKey = "ops_rss_mib"
	KeyOpsCPUSeconds       MetricKey = "ops_cpu_s"
	KeyOpsCPUMSPerOrder    MetricKey = "ops_cpu_ms_per_order"
	KeyOpsWindowMS         MetricKey = "ops_window_ms"
	KeyOpsBrokerRSSMiB     MetricKey = "ops_broker_rss_mib"
	KeyOpsBrokerCPUSeconds MetricKey = "ops_broker_cpu_s"
	// KeyOpsLogBytesPer1000 is the broker's log dir growth during the load
	// per 1,000 orders, when the runtime could measure its disk.
	KeyOpsLogBytesPer1000   MetricKey = "ops_log_bytes_per_1000_orders"
	KeyOpsTracingRSSMiB     MetricKey = "ops_tracing_rss_mib"
	KeyOpsTracingCPUSeconds MetricKey = "ops_tracing_cpu_s"
)

// opsCostKeys are what ops-cost reports (in some mode).
func opsCostKeys() []MetricKey {
	return append(loadKeys[:len(loadKeys):len(loadKeys)],
		KeyOpsComponents, KeyOpsProcesses, KeyOpsMustBeHealthy, KeyOpsRSSMiB, KeyOpsCPUSeconds, KeyOpsCPUMSPerOrder,
		KeyOpsWindowMS, KeyOpsBrokerRSSMiB, KeyOpsBrokerCPUSeconds, KeyOpsLogBytesPer1000,
		KeyOpsTracingRSSMiB, KeyOpsTracingCPUSeconds)
}
