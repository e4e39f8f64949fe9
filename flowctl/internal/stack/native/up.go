package native

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/kafkaconf"
	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// Options configure Up.
type Options struct {
	Layout     stack.Layout
	Mode       stackmode.Mode
	PortBase   int
	BrokerPort int
	NoJaeger   bool
	// BaseEnv is what every process started gets from flowctl's environment
	// (Stacks.BaseEnv).
	BaseEnv []string
	// Vars are the services' variables the user set (Stacks.ServiceVars),
	// TRACE_PROPAGATION as SetPropagation chose.
	Vars map[string]string
	// SpanExportDelay is OTEL_BSP_SCHEDULE_DELAY as set ("": 1 s here).
	SpanExportDelay string
	// JaegerCache is where the built Jaeger is cached (Stacks.JaegerCacheDir).
	JaegerCache string
	// Self is the flowctl binary; it is started again as `flowctl broker`.
	Self string
	// Progress receives the Jaeger build's live progress.
	Progress io.Writer
	TTY      bool
	// ServiceEnv are variables set for one service on top of Vars, by
	// service (Runtime.SetEnv); an empty value means the service's default.
	ServiceEnv map[string]map[string]string
	// ExternalBrokers is KAFKA_BROKERS ("" for the embedded broker) and
	// Brokers the list it names (Stacks).
	ExternalBrokers string
	Brokers         []string
	// Token is the admin token the services get ("": fault API off).
	Token string
	// DatabaseURL is the stack's PostgreSQL database ("": SQLite files).
	DatabaseURL string
	// Replicas are UpOptions.Replicas: service → n.
	Replicas map[string]int
	// FraudCheck: the stack runs fraud-svc and every service FRAUD_CHECK=on.
	FraudCheck bool
}

// Up brings mode's stack up: build, broker (events), Jaeger, services. It
// calls step after each finished step.
func Up(ctx context.Context, o Options, step func(stack.Step)) (stack.Stack, error) {
	l := o.Layout
	st := stack.Stack{Mode: o.Mode, URLs: stack.StackURLs(o.PortBase, o.Mode)}

	t := time.Now()
	if err := BuildServices(ctx, l); err != nil {
		return st, err
	}
	step(stack.Step{Name: "build", Detail: fmt.Sprintf("%s → %s", strings.Join(stack.AllServices(), ", "), l.Rel(l.BinDir())), Took: time.Since(t)})

	if o.Mode.Kafka() {
		t = time.Now()
		brokers, detail, err := ensureBroker(ctx, o)
		if err != nil {
			return st, err
		}
		st.Brokers = brokers
		step(stack.Step{Name: "broker", Detail: detail, Took: time.Since(t)})
	}

	if !o.NoJaeger {
		t = time.Now()
		j, err := EnsureJaeger(ctx, l, o.JaegerCache, o.BaseEnv, o.Progress, o.TTY)
		if err != nil {
			return st, err
		}
		st.Jaeger = true
		var detail string
		switch {
		case j.Foreign:
			detail = "using the Jaeger already running on " + stack.JaegerUI + " (not started by flowctl; `down` leaves it)"
		case !j.Started:
			detail = fmt.Sprintf("reusing Jaeger on %s (pid %d)", stack.JaegerUI, j.PID)
		default:
			detail = fmt.Sprintf("started Jaeger on %s (pid %d, log %s)", stack.JaegerUI, j.PID, l.Rel(l.JaegerLog()))
			if j.Built {
				detail += ", built once into the cache"
			}
		}
		step(stack.Step{Name: "jaeger", Detail: detail, Took: time.Since(t)})
	}

	t = time.Now()
	restarted, err := startServices(ctx, o, st)
	if err != nil {
		return st, err
	}
	var ports []string
	for _, svc := range stack.Deployed(o.FraudCheck) {
		p := fmt.Sprintf("%s :%d", svc, stack.ServicePort(o.PortBase, o.Mode, svc))
		if n := o.Replicas[svc]; n > 0 {
			p += fmt.Sprintf(" (balancer over %d replica(s) on :%d…)", n, stack.ReplicaPort(stack.ServicePort(o.PortBase, o.Mode, svc), 1))
		}
		ports = append(ports, p)
	}
	verb := "started"
	if restarted > 0 {
		verb = "restarted"
	}
	step(stack.Step{Name: "services", Detail: fmt.Sprintf("%s and ready: %s (logs %s)", verb, strings.Join(ports, ", "), l.Rel(l.ModeDir(o.Mode))+"/logs"), Took: time.Since(t)})
	return st, nil
}

// ensureBroker finds or starts the broker the events stack uses.
func ensureBroker(ctx context.Context, o Options) (brokers []string, detail string, err error) {
	l := o.Layout
	if v := o.ExternalBrokers; v != "" {
		brokers = o.Brokers
		if err := kafkaconf.Ping(ctx, brokers); err != nil {
			return nil, "", fmt.Errorf("KAFKA_BROKERS=%s does not answer (%v); start that broker, or unset KAFKA_BROKERS to use flowctl's embedded one", v, err)
		}
		return brokers, "using KAFKA_BROKERS=" + v, nil
	}
	addr := stack.Addr(o.BrokerPort)
	brokers = []string{addr}
	if p, ok := stack.RunningFromPIDFile(l.BrokerPID()); ok {
		if kafkaconf.Ping(ctx, brokers) == nil {
			return brokers, fmt.Sprintf("reusing the embedded broker on %s (pid %d)", addr, p.PID), nil
		}
	}
	// Ours but not answering on this address (another port, or wedged), or a
	// stale pid file: stop what is ours and start afresh.
	if _, err := stack.Stop(ctx, l.BrokerPID(), 10*time.Second); err != nil {
		return nil, "", err
	}
	if err := stack.CheckPortFree(o.BrokerPort, "Kafka broker"); err != nil {
		if kafkaconf.Ping(ctx, brokers) == nil {
			return nil, "", fmt.Errorf("port %d is in use by a Kafka broker flowctl did not start; to use it, set KAFKA_BROKERS=%s; otherwise stop it", o.BrokerPort, addr)
		}
		return nil, "", err
	}
	if o.Self == "" {
		return nil, "", errors.New("cannot start the broker: the path of the flowctl binary is unknown")
	}
	p, err := stack.StartDetached(stack.Spec{
		Args:    []string{o.Self, "broker", "--addr", addr, "--data-dir", l.KafkaData()},
		Env:     o.BaseEnv,
		Dir:     l.Root,
		LogPath: l.BrokerLog(),
		PIDPath: l.BrokerPID(),
	})
	if err != nil {
		return nil, "", err
	}
	err = stack.WaitFor(ctx, 30*time.Second, 50*time.Millisecond, p.Ours, func(ctx context.Context) error { return kafkaconf.Ping(ctx, brokers) })
	if err != nil {
		return nil, "", &stack.StartError{What: "the broker", Log: l.Rel(l.BrokerLog()), Tail: stack.TailFile(l.BrokerLog(), 20), Err: err}
	}
	return brokers, fmt.Sprintf("started the embedded broker (kfake) on %s (pid %d, data %s)", addr, p.PID, l.Rel(l.KafkaData())), nil
}

// startServices (re)starts mode's services and waits for their /readyz:
// the three, and fraud-svc with the fraud check (without it a fraud-svc
// left running stops). Services flowctl already runs are restarted, not
// reused: that picks up the binaries just built and the current
// environment. It returns how many ran.
func startServices(ctx context.Context, o Options, st stack.Stack) (restarted int, err error) {
	if err := markFraudCheck(o.Layout, o.Mode, o.FraudCheck); err != nil {
		return 0, err
	}
	// --replicas svc=n (n = 1 too) puts svc behind a balancer from the start,
	// so a later `flowctl scale` adds replicas without a moment unanswered.
	for _, svc := range stack.AllServices() {
		if err := recordReplicas(o.Layout, o.Mode, svc, o.Replicas[svc]); err != nil {
			return 0, err
		}
	}
	if !o.FraudCheck {
		if _, err := stack.Stop(ctx, o.Layout.ServicePID(o.Mode, topology.FraudSvc), StopGrace); err != nil {
			return 0, err
		}
	}
	return restartServices(ctx, o, st, stack.Deployed(o.FraudCheck))
}

// restartServices (re)starts some of mode's services and waits for them.
func restartServices(ctx context.Context, o Options, st stack.Stack, svcs []string) (restarted int, err error) {
	l, m := o.Layout, o.Mode
	for _, svc := range svcs {
		ran, err := stopAll(ctx, o, svc)
		if err != nil {
			return 0, err
		}
		if ran {
			restarted++
		}
	}
	// A scaled service starts as its replicas behind a balancer (scaleTo).
	var scaled []string
	svcs = slices.DeleteFunc(slices.Clone(svcs), func(svc string) bool {
		if wantedReplicas(l, m, svc) > 0 {
			scaled = append(scaled, svc)
			return true
		}
		return false
	})
	for _, svc := range scaled {
		if err := scaleTo(ctx, o, st, svc, wantedReplicas(l, m, svc)); err != nil {
			return 0, err
		}
	}
	// Every port is checked before anything starts, so a clash leaves nothing
	// half-started behind.
	for _, svc := range svcs {
		if err := stack.CheckPortFree(stack.ServicePort(o.PortBase, m, svc), fmt.Sprintf("%s, %s stack", svc, m)); err != nil {
			return 0, err
		}
	}
	procs := map[string]stack.Proc{}
	for _, svc := range svcs {
		p, err := stack.StartDetached(stack.Spec{
			Args:    []string{l.Bin(svc)},
			Env:     serviceEnv(o, st, svc),
			Dir:     l.Root,
			LogPath: l.ServiceLog(m, svc),
			PIDPath: l.ServicePID(m, svc),
		})
		if err != nil {
			return 0, err
		}
		procs[svc] = p
	}
	errs := make(map[string]error)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for svc, p := range procs {
		wg.Go(func() {
			ready := stack.URL(stack.ServicePort(o.PortBase, m, svc)) + "/readyz"
			err := stack.WaitFor(ctx, 60*time.Second, 50*time.Millisecond, p.Ours, func(ctx context.Context) error { return stack.Probe(ctx, ready) })
			mu.Lock()
			errs[svc] = err
			mu.Unlock()
		})
	}
	wg.Wait()
	for _, svc := range svcs {
		if err := errs[svc]; err != nil {
			log := l.ServiceLog(m, svc)
			return 0, &stack.StartError{What: fmt.Sprintf("%s (%s)", svc, m), Log: l.Rel(log), Tail: stack.TailFile(log, 20), Err: err}
		}
	}
	return restarted, nil
}

// serviceEnv is svc's environment: every documented variable (config.Vars)
// the user set is passed through, then flowctl sets the ones that wire the
// stack together.
func serviceEnv(o Options, st stack.Stack, svc string) []string {
	vars := maps.Clone(o.Vars)
	if vars == nil {
		vars = map[string]string{}
	}
	pprof := vars["PPROF_ADDR"] // the user's, before SetEnv's
	if o.Token != "" {
		vars["ADMIN_TOKEN"] = o.Token
	}
	for k, v := range o.ServiceEnv[svc] {
		if v == "" {
			delete(vars, k)
		} else {
			vars[k] = v
		}
	}
	vars["MODE"] = string(o.Mode.Service())
	// The stack says the saga style and the orchestrated stack's topic prefix:
	// a SAGA in the user's environment would make two stacks one.
	delete(vars, "SAGA")
	if o.Mode.Kafka() {
		vars["SAGA"] = string(o.Mode.Saga())
	}
	if p := o.Mode.TopicPrefix(vars["KAFKA_TOPIC_PREFIX"]); p != "" {
		vars["KAFKA_TOPIC_PREFIX"] = p
	}
	vars["HTTP_ADDR"] = stack.Addr(stack.ServicePort(o.PortBase, o.Mode, svc))
	// One PPROF_ADDR for six services cannot work: its port is a base, each
	// service adds its own offset (sync order-svc base+1 … events base+103).
	delete(vars, "PPROF_ADDR")
	if pprof != "" {
		if host, port, err := net.SplitHostPort(pprof); err == nil {
			if base, err := strconv.Atoi(port); err == nil {
				vars["PPROF_ADDR"] = net.JoinHostPort(host, strconv.Itoa(stack.ServicePort(base, o.Mode, svc)))
			}
		}
	}
	vars["DB_PATH"] = o.Layout.DB(o.Mode, svc)
	// The stack's store, not the user's DATABASE_URL as given: each stack
	// gets a database of its own on that server (postgres.go).
	delete(vars, "DATABASE_URL")
	if o.DatabaseURL != "" {
		vars["DATABASE_URL"] = o.DatabaseURL
	}
	vars["INVENTORY_URL"] = st.URLs[topology.InventorySvc]
	vars["INVOICING_URL"] = st.URLs[topology.InvoicingSvc]
	// The whole stack's, not the user's: fraud-svc runs only with it on.
	vars["FRAUD_CHECK"] = stack.OnOff(o.FraudCheck)
	vars["FRAUD_URL"] = stack.URL(stack.ServicePort(o.PortBase, o.Mode, topology.FraudSvc))
	if len(st.Brokers) > 0 {
		vars["KAFKA_BROKERS"] = strings.Join(st.Brokers, ",")
	}
	if vars["TRACE_PROPAGATION"] == "" {
		vars["TRACE_PROPAGATION"] = string(config.PropagationChild)
	}
	if st.Jaeger {
		vars["OTEL_EXPORTER_OTLP_ENDPOINT"] = stack.JaegerOTLP
		// The batch span processor exports every 5 s by default; 1 s lets the
		// demo show each order's trace right after the order settled.
		vars["OTEL_BSP_SCHEDULE_DELAY"] = "1000"
		if v := o.SpanExportDelay; v != "" {
			vars["OTEL_BSP_SCHEDULE_DELAY"] = v
		}
	} else {
		vars["OTEL_TRACES_EXPORTER"] = "none"
		delete(vars, "OTEL_EXPORTER_OTLP_ENDPOINT")
	}
	env := slices.Clone(o.BaseEnv)
	for _, k := range slices.Sorted(maps.Keys(vars)) {
		env = append(env, k+"="+vars[k])
	}
	return env
}
