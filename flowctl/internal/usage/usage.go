// Package usage is what a runtime reports about the resources one stack's
// components use: a process tree natively, a container in Docker. The
// scenarios read it (ops-cost) and the runtimes (stack) fill it, so neither
// has to import the other.
package usage

// Kind says what a component is for, which decides whether it is counted
// against a mode.
type Kind string

const (
	// KindService is one of the mode's three services.
	KindService Kind = "service"
	// KindBroker is the Kafka broker the events mode needs.
	KindBroker Kind = "broker"
	// KindTracing is Jaeger: shared by both modes, so counted against neither.
	KindTracing Kind = "tracing"
)

// Component is one running thing, as measured at one moment.
type Component struct {
	Name string `json:"name"` // "order-svc", "broker", "jaeger"
	Kind Kind   `json:"kind"`
	// Impl says what runs: "kfake (embedded Go broker, `flowctl broker`)",
	// "Apache Kafka (JVM) in a container".
	Impl string `json:"impl,omitempty"`
	// Where is the pid or the container it was measured in.
	Where string `json:"where"`
	// Running is false when the component should run but does not.
	Running bool `json:"running"`
	// Measured is false when it runs but flowctl cannot see into it (a
	// broker named by KAFKA_BROKERS that flowctl did not start).
	Measured bool `json:"measured"`
	// Processes counts the processes measured: the tree natively, the
	// container's processes (`docker top`, not its threads) in Docker.
	Processes int `json:"processes"`
	// RSSBytes is resident memory now: VmRSS summed over the process tree
	// natively; in Docker the cgroup's usage minus inactive file cache (what
	// `docker stats` shows).
	RSSBytes int64 `json:"rss_bytes"`
	// CPUSeconds is user+system CPU since the component started
	// (cumulative, so two samples give what happened in between).
	CPUSeconds float64 `json:"cpu_seconds"`
	// Log measures the broker's log dir; the zero value when not measured.
	Log LogDir `json:"log,omitempty"`
}

// Counted says whether c counts against its mode: services and the broker
// do, the shared tracing backend does not.
func (c Component) Counted() bool { return c.Kind == KindService || c.Kind == KindBroker }

// LogDir is the disk a broker's log dir takes.
type LogDir struct {
	// Path says where: a path natively, "<service>:<path>" in Docker.
	Path string `json:"path,omitempty"`
	// Written is what the files hold: each file's size, but no more than
	// the blocks it takes, so a sparse preallocated index (Kafka makes its
	// active segment's 10 MiB up front) counts what was written into it.
	// It grows with each order; a growth is read from it.
	Written int64 `json:"written_bytes,omitempty"`
	// Allocated is the disk blocks they take, as du counts them (small
	// files round up to a block).
	Allocated int64 `json:"allocated_bytes,omitempty"`
}

// Measured says whether the log dir was measured.
func (l LogDir) Measured() bool { return l.Path != "" }
