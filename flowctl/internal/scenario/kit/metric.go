package kit

import "github.com/orderflow/flowctl/internal/stats"

// MetricKey names one measured number of an outcome. The report reads
// metrics by their definitions' keys, not by strings of its own, so renaming
// a key renames it on both sides and a chart cannot silently lose its data.
type MetricKey string

// Unit is what a metric counts or measures. Every metric names one, so a
// definition that forgot it is caught (Check); Shown is what an outcome
// records.
type Unit string

// The units. Count, YesNo and Currency record no fixed unit: a count is a
// bare number, yes/no is 1 or 0, and an amount carries the run's ISO 4217
// code (PutMoney).
const (
	UnitMS         Unit = "ms"
	UnitSeconds    Unit = "s"
	UnitPct        Unit = "%"
	UnitOrders     Unit = "orders"
	UnitEvents     Unit = "events"
	UnitTraces     Unit = "traces"
	UnitSpans      Unit = "spans"
	UnitUnits      Unit = "units"
	UnitBytes      Unit = "bytes"
	UnitComponents Unit = "components"
	UnitProcesses  Unit = "processes"
	UnitMiB        Unit = "MiB"
	// UnitSamples is a sample size, shown "n=40": how many numbers a
	// percentile beside it is over.
	UnitSamples Unit = "n"
	// The nouns of the counts that are neither orders nor events.
	UnitLookups    Unit = "lookups"
	UnitSearches   Unit = "searches"
	UnitChanges    Unit = "changes"
	UnitPartitions Unit = "partitions"
	UnitSteps      Unit = "steps"
	UnitRequests   Unit = "requests"
	UnitInvoices   Unit = "invoices"
	UnitCells      Unit = "cells"
	UnitFacts      Unit = "facts"
	UnitBreaches   Unit = "breaches"
	UnitTopics     Unit = "topics"
	UnitServices   Unit = "services"
	UnitMessages   Unit = "messages"
	UnitGroups     Unit = "groups"
	UnitCores      Unit = "cores"
	UnitReplicas   Unit = "replicas"
	// UnitRate is a throughput: orders that became final per second.
	UnitRate Unit = "orders/s"
	// UnitHTTPStatus is an HTTP status code, shown "HTTP 400".
	UnitHTTPStatus Unit = "HTTP"
	UnitCount      Unit = "count"
	UnitYesNo      Unit = "yes/no"
	UnitCurrency   Unit = "currency"
)

// Shown is the unit an outcome records for a metric of u ("" for a bare
// number; the currency's code is given when the amount is put).
func (u Unit) Shown() string {
	switch u {
	case UnitCount, UnitYesNo, UnitCurrency:
		return ""
	}
	return string(u)
}

// MetricDef says what one metric is. Label is what the number means; an
// outcome's own label may say more (its sample count, the scenario's
// wording), and the report shows that. Short is the word or two the
// summary row puts before the value.
type MetricDef struct {
	Key   MetricKey
	Label string
	Short string
	Unit  Unit
	// N, when set, is the metric counting the samples this one is a
	// statistic over: the report shows "(n=40)" beside it.
	N MetricKey
	// Tail marks a p99 that is the max below 100 samples: its Short names
	// no statistic, ShortAt adds the right one.
	Tail bool
}

// ShortAt is the summary's words for the metric over n samples: a tail's
// Short plus "p99", or "max" when n < 100 (a p99 of 40 samples is a max).
func (d MetricDef) ShortAt(n int) string {
	if !d.Tail {
		return d.Short
	}
	if n > 0 && n < stats.P99MinN {
		return d.Short + " max"
	}
	return d.Short + " p99"
}

// Family is metrics of one kind with one key each per member — one per
// TRACE_PROPAGATION, one per dual-write round: the key is Prefix+member.
type Family struct {
	Prefix  MetricKey
	Members []string
	// Of describes the member's metric (its Key is set by Defs).
	Of func(member string) MetricDef
}

// Key is member's key ("lookups_off").
func (f Family) Key(member string) MetricKey { return f.Prefix + MetricKey(member) }

// Def is member's definition.
func (f Family) Def(member string) MetricDef {
	d := f.Of(member)
	d.Key = f.Key(member)
	return d
}

// Defs are every member's definitions, in Members' order.
func (f Family) Defs() []MetricDef {
	out := make([]MetricDef, len(f.Members))
	for i, m := range f.Members {
		out[i] = f.Def(m)
	}
	return out
}
