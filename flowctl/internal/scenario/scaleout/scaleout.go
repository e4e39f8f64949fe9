// Package scaleout is the scale-out scenario: a steady load near one
// replica's ceiling while inventory-svc goes from 1 to 3 replicas and back
// to 1. Per stack it measures what three replicas bought (throughput and
// placement latency against one), what each change cost while it happened
// (events: the rebalance — the longest time to consistency, redeliveries
// the inbox skipped; sync: requests failed during the scale-in), and, on a
// brokered stack, the partition cap: one consumer more than the topics have
// partitions idles. It prints the cores the run had beside every number: on
// a machine with fewer cores than processes, a CPU-bound ceiling cannot rise.
package scaleout

import (
	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// Service is the service scaled: the one every order's stock goes through.
const Service = topology.InventorySvc

// Replicas is how many replicas the scale-out goes to.
const Replicas = 3

// Def is scale-out.
var Def = kit.Define(kit.Spec[scaleRun]{
	About: kit.About{
		Name: "scale-out",
		Summary: "steady load near one replica's ceiling while inventory-svc goes 1 → 3 → 1 replicas (PostgreSQL): throughput and placement p50/p95 with 1 and 3, " +
			"what each change cost (events: the rebalance, redeliveries skipped; sync: failed requests), the partition cap (a consumer beyond the partitions idles), and the cores the run had",
		Claim: "events scale a consumer by adding replicas to its group, up to the topic's partitions; sync scales behind a load balancer — " +
			"either only raises a ceiling when the machine has the cores for the replicas",
		Metrics: append(kit.LoadMetrics(), Cores, Others, OfferedRate,
			ThroughputOne, PlacementP50One, PlacementP95One, PlacementNOne,
			ThroughputThree, PlacementP50Three, PlacementP95Three, PlacementNThree,
			ScaleOutTook, ScaleInTook, RebalanceOut, RebalanceIn, ChangeTTCMax, ChangeTTCN, Duplicates,
			SentScaleOut, FailedScaleOut, SentScaleIn, FailedScaleIn, RetriedScaleIn, RefusedScaleIn, BalancerFailedScaleIn,
			Partitions, CapMembers, CapIdle),
		NotInAll: "it runs inventory-svc as 3 replicas, which needs the stacks on PostgreSQL (DATABASE_URL); name it: `flowctl scenario scale-out`",
		Headline: []kit.MetricKey{ThroughputOne.Key, ThroughputThree.Key, Cores.Key, FailedScaleIn.Key, ChangeTTCMax.Key, RebalanceOut.Key, kit.SuccessPct.Key},
		Answers: []kit.Answer{
			{Question: kit.Scale, Place: 1, Keys: []kit.MetricKey{ThroughputOne.Key, ThroughputThree.Key, Cores.Key, ChangeTTCMax.Key, RebalanceOut.Key, FailedScaleIn.Key, RetriedScaleIn.Key}, Says: saysScale},
		},
	},
	Run:   run,
	Judge: judge,
})

// The metrics of scale-out.
var (
	Cores       = kit.MetricDef{Key: "cores", Label: "CPU cores the run had (runtime.NumCPU of flowctl's machine; absent on a remote runtime, where they are unknown)", Short: "cores", Unit: kit.UnitCores}
	Others      = kit.MetricDef{Key: "other_processes", Label: "processes sharing the cores besides the replicas (other services, broker, flowctl's load)", Short: "others", Unit: kit.UnitProcesses}
	OfferedRate = kit.MetricDef{Key: "offered_rate", Label: "orders sent per second (--rate)", Short: "offered", Unit: kit.UnitRate}

	ThroughputOne   = kit.MetricDef{Key: "throughput_1_replica", Label: "orders final per second with 1 replica", Short: "1 replica", Unit: kit.UnitRate}
	PlacementP50One = kit.MetricDef{Key: "placement_p50_1_replica_ms", Label: "placement p50 with 1 replica", Short: "placed p50 ×1", Unit: kit.UnitMS, N: PlacementNOne.Key}
	PlacementP95One = kit.MetricDef{Key: "placement_p95_1_replica_ms", Label: "placement p95 with 1 replica (the max below 20 samples)", Short: "placed p95 ×1", Unit: kit.UnitMS, N: PlacementNOne.Key}
	PlacementNOne   = kit.MetricDef{Key: "placement_n_1_replica", Label: "placement samples with 1 replica", Short: "n ×1", Unit: kit.UnitSamples}

	ThroughputThree   = kit.MetricDef{Key: "throughput_3_replicas", Label: "orders final per second with 3 replicas", Short: "3 replicas", Unit: kit.UnitRate}
	PlacementP50Three = kit.MetricDef{Key: "placement_p50_3_replicas_ms", Label: "placement p50 with 3 replicas", Short: "placed p50 ×3", Unit: kit.UnitMS, N: PlacementNThree.Key}
	PlacementP95Three = kit.MetricDef{Key: "placement_p95_3_replicas_ms", Label: "placement p95 with 3 replicas (the max below 20 samples)", Short: "placed p95 ×3", Unit: kit.UnitMS, N: PlacementNThree.Key}
	PlacementNThree   = kit.MetricDef{Key: "placement_n_3_replicas", Label: "placement samples with 3 replicas", Short: "n ×3", Unit: kit.UnitSamples}

	ScaleOutTook = kit.MetricDef{Key: "scale_out_ms", Label: "scale-out 1 → 3 took (until the new replicas answered /readyz)", Short: "scale-out took", Unit: kit.UnitMS}
	ScaleInTook  = kit.MetricDef{Key: "scale_in_ms", Label: "scale-in 3 → 1 took (draining included)", Short: "scale-in took", Unit: kit.UnitMS}
	// RebalanceOut and RebalanceIn are a brokered stack's rebalance: from
	// the change's start until inventory-svc's consumer group was Stable
	// with the replicas asked for, every partition assigned.
	RebalanceOut = kit.MetricDef{Key: "rebalance_out_ms", Label: "scale-out 1 → 3 until the consumer group was Stable with 3 members (kafkalog.DescribeGroup)", Short: "rebalance out", Unit: kit.UnitMS}
	RebalanceIn  = kit.MetricDef{Key: "rebalance_in_ms", Label: "scale-in 3 → 1 until the consumer group was Stable with 1 member (kafkalog.DescribeGroup)", Short: "rebalance in", Unit: kit.UnitMS}
	// ChangeTTCMax is the rebalance pause on a brokered stack: the longest
	// an order sent while a change ran took to become final.
	ChangeTTCMax = kit.MetricDef{Key: "change_ttc_max_ms", Label: "longest time to consistency of the orders sent while the replicas changed", Short: "during the change", Unit: kit.UnitMS, N: ChangeTTCN.Key}
	ChangeTTCN   = kit.MetricDef{Key: "change_ttc_n", Label: "orders confirmed that were sent while the replicas changed", Short: "change n", Unit: kit.UnitSamples}
	Duplicates   = kit.MetricDef{Key: "duplicates_skipped", Label: "redelivered events the inbox skipped, summed over every replica (consumer_duplicate_events_total read at each replica, and before the scale-in stops one)", Short: "redelivered", Unit: kit.UnitEvents}

	SentScaleOut   = kit.MetricDef{Key: "sent_scale_out", Label: "orders sent during the scale-out", Short: "sent scaling out", Unit: kit.UnitSamples}
	FailedScaleOut = kit.MetricDef{Key: "failed_scale_out", Label: "orders sent during the scale-out that failed (FAILED, no answer, not final)", Short: "failed scaling out", Unit: kit.UnitOrders, N: SentScaleOut.Key}
	SentScaleIn    = kit.MetricDef{Key: "sent_scale_in", Label: "orders sent during the scale-in", Short: "sent scaling in", Unit: kit.UnitSamples}
	FailedScaleIn  = kit.MetricDef{Key: "failed_scale_in", Label: "orders sent during the scale-in that failed (FAILED, no answer, not final)", Short: "failed scaling in", Unit: kit.UnitOrders, N: SentScaleIn.Key}
	// The balancer's counts during the scale-in (sync): flowctl lb's
	// natively, HAProxy's with Docker; a Kubernetes Service counts none.
	RetriedScaleIn        = kit.MetricDef{Key: "retried_scale_in", Label: "requests the balancer resent to another replica during the scale-in (a connection refused or not opened)", Short: "retried scaling in", Unit: kit.UnitRequests}
	RefusedScaleIn        = kit.MetricDef{Key: "refused_scale_in", Label: "connections a replica refused during the scale-in, as the balancer counted them", Short: "refused scaling in", Unit: kit.UnitRequests}
	BalancerFailedScaleIn = kit.MetricDef{Key: "balancer_failed_scale_in", Label: "requests the balancer failed itself during the scale-in (no replica ready, or none answered)", Short: "balancer failed", Unit: kit.UnitRequests}

	Partitions = kit.MetricDef{Key: "partitions", Label: "partitions of each topic inventory-svc consumes (KAFKA_PARTITIONS)", Short: "partitions", Unit: kit.UnitPartitions}
	CapMembers = kit.MetricDef{Key: "cap_members", Label: "inventory-svc replicas in its consumer group at the cap (partitions + 1)", Short: "members", Unit: kit.UnitReplicas}
	CapIdle    = kit.MetricDef{Key: "cap_idle", Label: "of them with no partition assigned (idle)", Short: "idle", Unit: kit.UnitReplicas}
)

// brokered says the stack's inventory-svc consumes through the broker.
func brokered(m stackmode.Mode) bool { return m.Kafka() }
