// Package config turns environment variables into a typed Config. The table in
// Vars is the single place every variable is documented; the README's table is
// generated from it (flowctl env --markdown) and a test keeps the two in step.
package config

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/orderflow/platform/topology"
)

// Mode selects how order-svc talks to the other services.
type Mode string

const (
	ModeSync   Mode = "sync"
	ModeEvents Mode = "events"
)

// Propagation selects how trace context crosses Kafka.
type Propagation string

const (
	// PropagationChild makes each consumer span a child of the producer span: one trace per order.
	PropagationChild Propagation = "child"
	// PropagationLink starts a new trace per consumed message, linked to the producer span.
	PropagationLink Propagation = "link"
	// PropagationOff carries no trace context at all, over HTTP or Kafka.
	PropagationOff Propagation = "off"
)

// Publish selects how order-svc's events mode gets OrderPlaced to Kafka.
type Publish string

const (
	// PublishOutbox writes OrderPlaced in the order's own transaction; the
	// relay publishes it after the commit, also after a crash.
	PublishOutbox Publish = "outbox"
	// PublishDirect commits the order alone, then publishes OrderPlaced with
	// the producer: the dual write the outbox avoids. It exists only for the
	// dual-write lesson and loses orders on a crash.
	PublishDirect Publish = "direct"
)

// Var documents one environment variable.
type Var struct {
	Name     string
	Default  string
	Services string
	Doc      string
}

// Vars is the one table of every variable the services read. The OTEL_*
// variables are read by the OpenTelemetry SDK itself; the common ones are
// listed so a workshop user finds them here.
var Vars = []Var{
	{"MODE", "sync", "all", "`sync` (REST calls between services) or `events` (Kafka topics)."},
	{"SAGA", "choreography", "all (events)", "How the events stack runs the order saga: `choreography` (each service reacts to the others' events) or `orchestration` (order-svc sends commands on `inventory.commands.v1` and `invoicing.commands.v1` and follows the replies on `order-saga.replies.v1`; see docs/architecture.md, \"Choreography and orchestration side by side\"). Every service of a stack must have the same value. With `MODE=sync` only the default is accepted. flowctl sets it by stack (`--mode events-orchestration`, or `flowctl up --saga orchestration`); traces then name the service `<service>.events-orchestration`."},
	{"HTTP_ADDR", httpAddrDoc(), "all", "Address the HTTP API listens on (the default port depends on the service)."},
	{"DB_PATH", "<service>.db", "all", "SQLite database file of the service (WAL mode). Each service owns its own. Unused when `DATABASE_URL` is set."},
	{"DATABASE_URL", "(empty: SQLite)", "all", "A `postgres://` URL: the service keeps its tables in PostgreSQL instead of SQLite, in a schema of its own named after it (`order_svc`, `inventory_svc`, …), so the services of a stack can share one database and a service can run as several replicas (its outbox relays take turns, its inbox is one table). Empty: SQLite at `DB_PATH`, as always (`scripts/postgres.sh start` gives a local server). The URL is all: the driver's `PG*` variables (`PGSSLMODE`, `PGPASSWORD`, …) are not read, and one set for a setting the URL leaves out stops the service, naming it."},
	{"KAFKA_BROKERS", "127.0.0.1:9092", "all (events)", "Comma-separated bootstrap brokers."},
	{"KAFKA_TOPIC_PREFIX", "(empty)", "all (events)", "Prefix for every topic and consumer group; isolates runs that share one broker. flowctl adds `orch.` after it for the events-orchestration stack, so its topics and groups are its own beside the events stack's."},
	{"KAFKA_REPLICATION_FACTOR", "1", "all (events)", "Replication factor used when a service creates its topics at start-up."},
	{"KAFKA_PARTITIONS", "3", "all (events)", "Partitions of each topic a service creates at start-up (topics that exist keep theirs). A consumer runs one worker per partition, so this caps how many events of a topic are handled at once; one order's events stay on one partition and in order. 3, measured: 1 to 12 partitions apply the same 12–16k events/s (`BenchmarkConsumerPartitions`: the service's one SQLite writer is the limit, not the workers), and 3 already keeps an event being retried from holding up every other order."},
	{"CONSUMER_BATCH_MAX", "256", "all (events)", "Most events a partition worker applies in one database transaction, with one offset commit; `1` handles them one by one."},
	{"CONSUMER_BATCH_WAIT", "5ms", "all (events)", "Longest a partition worker spends gathering events that are already fetched into one batch (Go duration). It never waits for events not yet fetched, so a lone event is not delayed."},
	{"INVENTORY_URL", defaultURL(topology.InventorySvc), "order-svc (sync)", "Base URL of inventory-svc."},
	{"INVOICING_URL", defaultURL(topology.InvoicingSvc), "order-svc (sync)", "Base URL of invoicing-svc."},
	{"FRAUD_URL", defaultURL(topology.FraudSvc), "order-svc (sync)", "Base URL of fraud-svc, called only with `FRAUD_CHECK=on`."},
	{"FRAUD_CHECK", "off", "all", "`on` adds the fraud check between the reservation and the charge (docs/architecture.md, \"Adding a step\"): sync, order-svc calls fraud-svc's `POST /checks`; choreography, fraud-svc checks each `StockReserved` and announces `FraudCleared` or `FraudSuspected` on `fraud.v1`, invoicing-svc charges on `FraudCleared` instead of `StockReserved` and inventory-svc releases on `FraudSuspected`; orchestration, order-svc sends `CheckFraud` on `fraud.commands.v1`. Every service of a stack must have the same value. `off` leaves the flow as it was."},
	{"FRAUD_LIMIT_UNITS", "50", topology.FraudSvc, "fraud-svc suspects an order of more units than this (the sum of its lines' quantities), 1 to 100000; it also suspects the seeded customer `cust-fraud`. Units, not cents: the check runs before the charge, and prices are invoicing-svc's. 50 is far above `load.Mix`'s largest order (3 units), so no existing scenario is suspected."},
	{"HTTP_CLIENT_TIMEOUT", "2s", "order-svc (sync)", "Timeout of each outgoing REST call (Go duration)."},
	{"HTTP_MAX_IN_FLIGHT", "64", "all", "How many API requests a service serves at once (`/healthz`, `/readyz`, `/metrics`, `/admin` exempt); more wait up to `HTTP_QUEUE_WAIT`, then get `503` with `Retry-After`. `0`: unbounded. 64 is finite, so a flood meets a limit as a consumer does, and far above what the demo's rates need (20 orders/s × 300 ms = 6 in flight), so the default scenarios measure the modes, not a refusal; lower it (e.g. to 3, the partitions of a topic) to give sync the parallelism of one consumer group."},
	{"HTTP_QUEUE_WAIT", "100ms", "all", "How long a request over `HTTP_MAX_IN_FLIGHT` waits for a slot before `503` (Go duration; `0s` refuses at once). 100 ms absorbs bursts of arrivals at the bound yet stays far below `HTTP_CLIENT_TIMEOUT`, so a caller hears `503` rather than timing out."},
	{"HTTP_BODY_TIMEOUT", "2s", "all", "How long a client may take to send a request's headers, and then its body (Go duration). The body is read whole before the request takes an `HTTP_MAX_IN_FLIGHT` slot, so clients that trickle bodies cannot fill the slots; one too slow is answered `408`. 2 s is hundreds of times what a 64 KiB body takes on any network a workshop uses."},
	{"HTTP_ALLOWED_HOSTS", "(empty)", "all", "Comma-separated host names the API answers besides loopback (`localhost`, `127.0.0.1`, `::1`), IP addresses and the services' compose and Kubernetes names (`order-svc`, `order-svc-events`, `order-svc.ns.svc.cluster.local`, …); `*` answers any. Other `Host` headers get `421`: that is how a page whose own name resolves to this machine (DNS rebinding) is refused."},
	{"HTTP_CLIENT_MAX_CONNS", "64", "order-svc (sync)", "Connections order-svc opens to each downstream (the transport's `MaxConnsPerHost` and `MaxIdleConnsPerHost`); calls beyond wait for one, within `HTTP_CLIENT_TIMEOUT`. `0`: unbounded. 64 matches `HTTP_MAX_IN_FLIGHT`, so the chain's capacity is the smallest pool in it."},
	{"ORDER_PUBLISH", "outbox", "order-svc (events)", "`outbox` (OrderPlaced written in the order's transaction, published by the relay) or `direct` (the order committed, then OrderPlaced published straight to Kafka: a dual write that loses the event when the process crashes in between). `direct` exists only for the dual-write lesson (`flowctl scenario dual-write`) and says so in its start-up log line."},
	{"ORDER_DEADLINE", "30s", "order-svc (events)", "How long an order may stay not final before order-svc cancels it (reason `deadline`, `OrderCancelled` published; inventory-svc releases its stock, invoicing-svc voids its invoice). Go duration; `0` turns the deadline off. 30 s is far above every time to consistency recorded in docs/runs/2026-12-06-room (the longest: broker-down with the broker 5 s down, p99 6.44 s over 100 orders), so it never fires in the existing scenarios; the lessons set it as low as 100ms. Sync mode has no deadline of its own: there it is the request's timeout."},
	{"DEFAULT_CREDIT_LIMIT_CENTS", "100000000000", topology.InvoicingSvc, "Credit limit of every customer without one of its own (`PUT /customers/{id}/credit-limit`), in euro cents, 0 to 10^12; a charge over the remaining credit (limit minus the customer's issued invoices) is declined. The default, €1 billion, is far above what any scenario charges one customer: `load.Mix`'s largest order is 3 × SKU-004 = €567, a `load-NNN` customer gets one order in 1000 (a 3200/s bench ladder sends about 63,000 orders: ~€36,000 per customer), and even an order of every priced SKU at the maximum quantity is €393,400 — so no existing scenario declines, across thousands of runs on one database. The seeded customers with small limits for the lesson are `cust-broke` (0) and `cust-thrifty` (€100)."},
	{"TRACE_PROPAGATION", "child", "all", "`child` (one trace per order), `link` (new trace per message, linked to the producer) or `off` (no context carried)."},
	{"ADMIN_TOKEN", "(empty)", "all", "Bearer token for `/admin/faults` (fault injection: latency, error rate, paused consumers, a crash right after a commit); empty disables the endpoint."},
	{"LOG_LEVEL", "info", "all", "`debug`, `info`, `warn` or `error`."},
	{"PPROF_ADDR", "(empty: off)", "all", "Loopback address (e.g. `127.0.0.1:6061`) serving Go's `/debug/pprof/` profiles, to see where a ceiling's CPU goes; only 127.0.0.1 or localhost. Given to flowctl, its port is a base: each native service gets base + its offset (sync 1–3, events 101–103)."},
	{"OTEL_EXPORTER_OTLP_ENDPOINT", "(unset: no export)", "all", "OTLP/HTTP endpoint, e.g. `http://127.0.0.1:4318`. Unset and no OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: spans are not exported."},
	{"OTEL_TRACES_EXPORTER", "otlp", "all", "`none` turns trace export off."},
	{"OTEL_TRACES_SAMPLER", "parentbased_always_on", "all", "Standard OTel sampler selection."},
	{"OTEL_RESOURCE_ATTRIBUTES", "(empty)", "all", "Extra resource attributes, `key=value,…`."},
}

// MinOrderDeadline is the shortest ORDER_DEADLINE: below it the deadline
// would race the order's own first steps even on an idle machine.
const MinOrderDeadline = 100 * time.Millisecond

// Config is what a service needs to wire itself.
type Config struct {
	Service string
	Mode    Mode
	// Saga is the events stack's saga style (SAGA).
	Saga     topology.Style
	HTTPAddr string
	DBPath   string
	// DatabaseURL, when set, is the PostgreSQL database (DATABASE_URL).
	DatabaseURL       string
	KafkaBrokers      []string
	TopicPrefix       string
	ReplicationFactor int
	Partitions        int
	ConsumerBatchMax  int
	ConsumerBatchWait time.Duration
	InventoryURL      string
	InvoicingURL      string
	FraudURL          string
	// FraudCheck adds the fraud check to the flow (FRAUD_CHECK=on).
	FraudCheck bool
	// FraudLimitUnits is fraud-svc's limit of units per order.
	FraudLimitUnits   int
	HTTPClientTimeout time.Duration
	// HTTPMaxInFlight bounds the API requests served at once (0: unbounded).
	HTTPMaxInFlight int
	// HTTPQueueWait is how long a request over the bound waits for a slot.
	HTTPQueueWait time.Duration
	// HTTPBodyTimeout bounds sending the headers, then the body.
	HTTPBodyTimeout time.Duration
	// HTTPAllowedHosts are extra Host names the API answers ("*": any).
	HTTPAllowedHosts []string
	// HTTPClientMaxConns bounds order-svc's connections per downstream (0: unbounded).
	HTTPClientMaxConns int
	TracePropagation   Propagation
	// OrderPublish is how order-svc's events mode publishes OrderPlaced.
	OrderPublish Publish
	// OrderDeadline is how long an events order may stay not final (0: off).
	OrderDeadline time.Duration
	AdminToken    string
	LogLevel      string
	PprofAddr     string
	// DefaultCreditLimitCents is invoicing-svc's credit limit of a customer
	// without one of its own.
	DefaultCreditLimitCents int64
}

// Load reads the variables for service. Every problem is reported, not just the first.
func Load(service string, getenv func(string) string) (Config, error) {
	get := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	var errs []string
	c := Config{
		Service:          service,
		Mode:             Mode(get("MODE", string(ModeSync))),
		Saga:             topology.Style(get("SAGA", string(topology.Choreography))),
		HTTPAddr:         get("HTTP_ADDR", defaultHTTPAddr(service)),
		DBPath:           get("DB_PATH", service+".db"),
		DatabaseURL:      getenv("DATABASE_URL"),
		TopicPrefix:      get("KAFKA_TOPIC_PREFIX", ""),
		InventoryURL:     strings.TrimRight(get("INVENTORY_URL", defaultURL(topology.InventorySvc)), "/"),
		InvoicingURL:     strings.TrimRight(get("INVOICING_URL", defaultURL(topology.InvoicingSvc)), "/"),
		FraudURL:         strings.TrimRight(get("FRAUD_URL", defaultURL(topology.FraudSvc)), "/"),
		TracePropagation: Propagation(get("TRACE_PROPAGATION", string(PropagationChild))),
		OrderPublish:     Publish(get("ORDER_PUBLISH", string(PublishOutbox))),
		LogLevel:         get("LOG_LEVEL", "info"),
		PprofAddr:        getenv("PPROF_ADDR"),
		AdminToken:       getenv("ADMIN_TOKEN"),
	}
	for _, b := range strings.Split(get("KAFKA_BROKERS", "127.0.0.1:9092"), ",") {
		if b = strings.TrimSpace(b); b != "" {
			c.KafkaBrokers = append(c.KafkaBrokers, b)
		}
	}
	switch c.Mode {
	case ModeSync, ModeEvents:
	default:
		errs = append(errs, fmt.Sprintf("MODE=%q: use sync or events", c.Mode))
	}
	if e := sagaError(c.Mode, c.Saga); e != "" {
		errs = append(errs, e)
	}
	c.FraudCheck = onOff(get("FRAUD_CHECK", "off"), "FRAUD_CHECK", &errs)
	c.FraudLimitUnits = positiveInt(get("FRAUD_LIMIT_UNITS", "50"), "FRAUD_LIMIT_UNITS", &errs)
	if c.FraudLimitUnits > MaxFraudLimitUnits {
		errs = append(errs, fmt.Sprintf("FRAUD_LIMIT_UNITS=%d: use a whole number from 1 to %d", c.FraudLimitUnits, MaxFraudLimitUnits))
	}
	if c.Saga == topology.Orchestration && c.OrderPublish == PublishDirect {
		errs = append(errs, "ORDER_PUBLISH=direct works with SAGA=choreography only (the dual-write lesson publishes OrderPlaced alone; the orchestrator's first command needs the outbox)")
	}
	switch c.TracePropagation {
	case PropagationChild, PropagationLink, PropagationOff:
	default:
		errs = append(errs, fmt.Sprintf("TRACE_PROPAGATION=%q: use child, link or off", c.TracePropagation))
	}
	switch c.OrderPublish {
	case PublishOutbox, PublishDirect:
	default:
		errs = append(errs, fmt.Sprintf("ORDER_PUBLISH=%q: use outbox (the default) or direct (the dual-write lesson only)", c.OrderPublish))
	}
	if c.PprofAddr != "" {
		if host, _, err := net.SplitHostPort(c.PprofAddr); err != nil || (host != "127.0.0.1" && host != "localhost") {
			errs = append(errs, fmt.Sprintf("PPROF_ADDR=%q: use a loopback host:port such as 127.0.0.1:6061 (profiles are not for the network)", c.PprofAddr))
		}
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Sprintf("LOG_LEVEL=%q: use debug, info, warn or error", c.LogLevel))
	}
	d, err := time.ParseDuration(get("HTTP_CLIENT_TIMEOUT", "2s"))
	if err != nil || d <= 0 {
		errs = append(errs, fmt.Sprintf("HTTP_CLIENT_TIMEOUT=%q: use a positive Go duration such as 2s", getenv("HTTP_CLIENT_TIMEOUT")))
	}
	c.HTTPClientTimeout = d
	od, err := time.ParseDuration(get("ORDER_DEADLINE", "30s"))
	if err != nil || od < 0 || (od > 0 && od < MinOrderDeadline) {
		errs = append(errs, fmt.Sprintf("ORDER_DEADLINE=%q: use a Go duration of at least %v such as 30s, or 0 to turn the deadline off", getenv("ORDER_DEADLINE"), MinOrderDeadline))
	}
	c.OrderDeadline = od
	rf, err := strconv.Atoi(get("KAFKA_REPLICATION_FACTOR", "1"))
	if err != nil || rf < 1 {
		errs = append(errs, fmt.Sprintf("KAFKA_REPLICATION_FACTOR=%q: use a whole number ≥ 1", getenv("KAFKA_REPLICATION_FACTOR")))
	}
	c.ReplicationFactor = rf
	c.HTTPMaxInFlight = wholeNumber(get, "HTTP_MAX_IN_FLIGHT", "64", &errs)
	c.HTTPClientMaxConns = wholeNumber(get, "HTTP_CLIENT_MAX_CONNS", "64", &errs)
	qw, err := time.ParseDuration(get("HTTP_QUEUE_WAIT", "100ms"))
	if err != nil || qw < 0 {
		errs = append(errs, fmt.Sprintf("HTTP_QUEUE_WAIT=%q: use a Go duration ≥ 0 such as 100ms", getenv("HTTP_QUEUE_WAIT")))
	}
	c.HTTPQueueWait = qw
	c.HTTPBodyTimeout = positiveDuration(get, "HTTP_BODY_TIMEOUT", "2s", &errs)
	c.HTTPAllowedHosts = hostList(get("HTTP_ALLOWED_HOSTS", ""), &errs)
	c.DefaultCreditLimitCents = creditLimit(get("DEFAULT_CREDIT_LIMIT_CENTS", "100000000000"), &errs)
	c.Partitions = positiveInt(get("KAFKA_PARTITIONS", "3"), "KAFKA_PARTITIONS", &errs)
	c.ConsumerBatchMax = positiveInt(get("CONSUMER_BATCH_MAX", "256"), "CONSUMER_BATCH_MAX", &errs)
	bw, err := time.ParseDuration(get("CONSUMER_BATCH_WAIT", "5ms"))
	if err != nil || bw <= 0 {
		errs = append(errs, fmt.Sprintf("CONSUMER_BATCH_WAIT=%q: use a positive Go duration such as 5ms", getenv("CONSUMER_BATCH_WAIT")))
	}
	c.ConsumerBatchWait = bw
	for name, u := range map[string]string{"INVENTORY_URL": c.InventoryURL, "INVOICING_URL": c.InvoicingURL, "FRAUD_URL": c.FraudURL} {
		if p, err := url.Parse(u); err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			errs = append(errs, fmt.Sprintf("%s=%q: use an absolute http(s) URL", name, u))
		}
	}
	if msg := checkDatabaseURL(c.DatabaseURL); msg != "" {
		errs = append(errs, msg)
	}
	if c.Mode == ModeEvents && len(c.KafkaBrokers) == 0 {
		errs = append(errs, "KAFKA_BROKERS is empty: events mode needs at least one broker host:port")
	}
	if len(errs) > 0 {
		return c, fmt.Errorf("configuration: %s", strings.Join(errs, "; "))
	}
	return c, nil
}

// sagaError says what is wrong with SAGA in mode, "" when nothing.
func sagaError(mode Mode, saga topology.Style) string {
	switch {
	case saga != topology.Choreography && saga != topology.Orchestration:
		return fmt.Sprintf("SAGA=%q: use choreography (the default) or orchestration", saga)
	case mode == ModeSync && saga != topology.Choreography:
		return fmt.Sprintf("SAGA=%s needs MODE=events: a sync stack has no saga style (unset SAGA or set MODE=events)", saga)
	}
	return ""
}

// wholeNumber reads a variable that must be an integer ≥ 0.
func wholeNumber(get func(name, def string) string, name, def string, errs *[]string) int {
	v := get(name, def)
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		*errs = append(*errs, fmt.Sprintf("%s=%q: use a whole number ≥ 0 (0: unbounded)", name, v))
	}
	return n
}

// positiveDuration reads a variable that must be a Go duration > 0.
func positiveDuration(get func(name, def string) string, name, def string, errs *[]string) time.Duration {
	v := get(name, def)
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		*errs = append(*errs, fmt.Sprintf("%s=%q: use a positive Go duration such as %s", name, v, def))
	}
	return d
}

// hostList reads HTTP_ALLOWED_HOSTS: host names (no port, no scheme), or *.
func hostList(v string, errs *[]string) []string {
	var out []string
	for _, h := range strings.Split(v, ",") {
		h = strings.ToLower(strings.TrimSpace(h))
		if h == "" {
			continue
		}
		if strings.ContainsAny(h, ":/ ") && net.ParseIP(h) == nil {
			*errs = append(*errs, fmt.Sprintf("HTTP_ALLOWED_HOSTS: %q: give host names without scheme or port, comma-separated (e.g. orders.example.com,10.0.0.5), or *", h))
			continue
		}
		out = append(out, h)
	}
	return out
}

// MaxCreditLimitCents bounds a credit limit: €10 billion, far above any
// demo, and far below where sums of int64 cents could overflow.
const MaxCreditLimitCents = 1_000_000_000_000

// creditLimit parses DEFAULT_CREDIT_LIMIT_CENTS, or records why not.
func creditLimit(v string, errs *[]string) int64 {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 || n > MaxCreditLimitCents {
		*errs = append(*errs, fmt.Sprintf("DEFAULT_CREDIT_LIMIT_CENTS=%q: use whole euro cents from 0 to %d", v, int64(MaxCreditLimitCents)))
	}
	return n
}

// positiveInt parses a whole number ≥ 1 of the variable name, or records why not.
func positiveInt(v, name string, errs *[]string) int {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		*errs = append(*errs, fmt.Sprintf("%s=%q: use a whole number ≥ 1", name, v))
	}
	return n
}

// Topic returns the full name of a topic for this configuration.
func (c Config) Topic(name string) string { return c.TopicPrefix + name }

// Place is the service's entry in the topology of its saga style and fraud
// check; a Config built without Load (tests) has no style: choreography,
// SAGA's default.
func (c Config) Place() (topology.Service, error) {
	if c.Saga == "" {
		return topology.Place(topology.Choreography, c.FraudCheck, c.Service)
	}
	return topology.Place(c.Saga, c.FraudCheck, c.Service)
}

// ConsumerGroup is the service's group by the topology's rule.
func (c Config) ConsumerGroup() string {
	return topology.Group(c.TopicPrefix, c.Service, string(c.Mode))
}

// TraceServiceName is the service name shown in Jaeger: it carries the stack
// (TraceNamespace) so a trace tells at a glance which stack produced it.
func (c Config) TraceServiceName() string { return c.Service + "." + c.TraceNamespace() }

// TraceNamespace names the service's stack in traces (service.namespace): the
// mode, and for the orchestrated saga "events-orchestration" (flowctl's name
// of that stack), so Jaeger tells the two events styles apart.
func (c Config) TraceNamespace() string {
	if c.Mode == ModeEvents && c.Saga == topology.Orchestration {
		return string(c.Mode) + "-" + string(topology.Orchestration)
	}
	return string(c.Mode)
}

// MarkdownTable renders Vars as the README's env variable table.
func MarkdownTable() string {
	var b strings.Builder
	b.WriteString("| Variable | Default | Used by | Meaning |\n|---|---|---|---|\n")
	for _, v := range Vars {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", v.Name, v.Default, v.Services, v.Doc)
	}
	return b.String()
}
