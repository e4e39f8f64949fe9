package stack

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
)

// Options configure Up.
type Options struct {
	Layout     Layout
	Mode       config.Mode
	PortBase   int
	BrokerPort int
	NoJaeger   bool
	Getenv     func(string) string
	// Self is the flowctl binary; it is started again as `flowctl broker`.
	Self string
	// Progress receives the Jaeger build's live progress.
	Progress io.Writer
	TTY      bool
	// ServiceEnv are variables set for one service on top of Getenv, by
	// service (Control.SetEnv); an empty value means the service's default.
	ServiceEnv map[string]map[string]string
}

// Step is one finished step of Up, for the caller to print.
type Step struct {
	Name   string
	Detail string
	Took   time.Duration
}

// Stack is a running stack.
type Stack struct {
	Mode    config.Mode       `json:"mode"`
	URLs    map[string]string `json:"urls"` // by service
	Brokers []string          `json:"brokers,omitempty"`
	Jaeger  bool              `json:"jaeger"`
}

// OrderURL is the base URL of the stack's order-svc.
func (s Stack) OrderURL() string { return s.URLs["order-svc"] }

// StackURLs are the base URLs of mode's services for a port base.
func StackURLs(base int, m config.Mode) map[string]string {
	urls := map[string]string{}
	for _, svc := range Services {
		urls[svc] = URL(ServicePort(base, m, svc))
	}
	return urls
}

// StartError says a process did not become ready; Tail is the end of its log.
type StartError struct {
	What string
	Log  string
	Tail []string
	Err  error
}

func (e *StartError) Error() string {
	how := "did not become ready"
	if errors.Is(e.Err, errExited) {
		how = "exited before it was ready"
	} else if e.Err != nil {
		how += " (" + e.Err.Error() + ")"
	}
	return fmt.Sprintf("%s %s; see its log %s (last lines above); `flowctl down` stops the rest", e.What, how, e.Log)
}

func (e *StartError) Unwrap() error { return e.Err }

// Up brings mode's stack up: build, broker (events), Jaeger, services. It
// calls step after each finished step.
func Up(ctx context.Context, o Options, step func(Step)) (Stack, error) {
	l := o.Layout
	st := Stack{Mode: o.Mode, URLs: StackURLs(o.PortBase, o.Mode)}

	t := time.Now()
	if err := BuildServices(ctx, l); err != nil {
		return st, err
	}
	step(Step{"build", fmt.Sprintf("%s → %s", strings.Join(Services, ", "), l.Rel(l.BinDir())), time.Since(t)})

	if o.Mode == config.ModeEvents {
		t = time.Now()
		brokers, detail, err := ensureBroker(ctx, o)
		if err != nil {
			return st, err
		}
		st.Brokers = brokers
		step(Step{"broker", detail, time.Since(t)})
	}

	if !o.NoJaeger {
		t = time.Now()
		j, err := EnsureJaeger(ctx, l, o.Getenv, o.Progress, o.TTY)
		if err != nil {
			return st, err
		}
		st.Jaeger = true
		var detail string
		switch {
		case j.Foreign:
			detail = "using the Jaeger already running on " + JaegerUI + " (not started by flowctl; `down` leaves it)"
		case !j.Started:
			detail = fmt.Sprintf("reusing Jaeger on %s (pid %d)", JaegerUI, j.PID)
		default:
			detail = fmt.Sprintf("started Jaeger on %s (pid %d, log %s)", JaegerUI, j.PID, l.Rel(l.JaegerLog()))
			if j.Built {
				detail += ", built once into the cache"
			}
		}
		step(Step{"jaeger", detail, time.Since(t)})
	}

	t = time.Now()
	restarted, err := startServices(ctx, o, st)
	if err != nil {
		return st, err
	}
	var ports []string
	for _, svc := range Services {
		ports = append(ports, fmt.Sprintf("%s :%d", svc, ServicePort(o.PortBase, o.Mode, svc)))
	}
	verb := "started"
	if restarted > 0 {
		verb = "restarted"
	}
	step(Step{"services", fmt.Sprintf("%s and ready: %s (logs %s)", verb, strings.Join(ports, ", "), l.Rel(l.ModeDir(o.Mode))+"/logs"), time.Since(t)})
	return st, nil
}

// ensureBroker finds or starts the broker the events stack uses.
func ensureBroker(ctx context.Context, o Options) (brokers []string, detail string, err error) {
	l := o.Layout
	if v := strings.TrimSpace(o.Getenv("KAFKA_BROKERS")); v != "" {
		for _, b := range strings.Split(v, ",") {
			if b = strings.TrimSpace(b); b != "" {
				brokers = append(brokers, b)
			}
		}
		if err := kafkaconf.Ping(ctx, brokers); err != nil {
			return nil, "", fmt.Errorf("KAFKA_BROKERS=%s does not answer (%v); start that broker, or unset KAFKA_BROKERS to use flowctl's embedded one", v, err)
		}
		return brokers, "using KAFKA_BROKERS=" + v, nil
	}
	addr := Addr(o.BrokerPort)
	brokers = []string{addr}
	if p, ok := RunningFromPIDFile(l.BrokerPID()); ok {
		if kafkaconf.Ping(ctx, brokers) == nil {
			return brokers, fmt.Sprintf("reusing the embedded broker on %s (pid %d)", addr, p.PID), nil
		}
	}
	// Ours but not answering on this address (another port, or wedged), or a
	// stale pid file: stop what is ours and start afresh.
	if _, err := Stop(ctx, l.BrokerPID(), 10*time.Second); err != nil {
		return nil, "", err
	}
	if err := CheckPortFree(o.BrokerPort, "Kafka broker"); err != nil {
		if kafkaconf.Ping(ctx, brokers) == nil {
			return nil, "", fmt.Errorf("port %d is in use by a Kafka broker flowctl did not start; to use it, set KAFKA_BROKERS=%s; otherwise stop it", o.BrokerPort, addr)
		}
		return nil, "", err
	}
	if o.Self == "" {
		return nil, "", errors.New("cannot start the broker: the path of the flowctl binary is unknown")
	}
	p, err := StartDetached(Spec{
		Args:    []string{o.Self, "broker", "--addr", addr, "--data-dir", l.KafkaData()},
		Env:     baseEnv(o.Getenv),
		Dir:     l.Root,
		LogPath: l.BrokerLog(),
		PIDPath: l.BrokerPID(),
	})
	if err != nil {
		return nil, "", err
	}
	err = waitFor(ctx, 30*time.Second, 50*time.Millisecond, p.Ours, func(ctx context.Context) error { return kafkaconf.Ping(ctx, brokers) })
	if err != nil {
		return nil, "", &StartError{What: "the broker", Log: l.Rel(l.BrokerLog()), Tail: TailFile(l.BrokerLog(), 20), Err: err}
	}
	return brokers, fmt.Sprintf("started the embedded broker (kfake) on %s (pid %d, data %s)", addr, p.PID, l.Rel(l.KafkaData())), nil
}

// startServices (re)starts mode's three services and waits for their /readyz.
// Services flowctl already runs are restarted, not reused: that picks up the
// binaries just built and the current environment. It returns how many ran.
func startServices(ctx context.Context, o Options, st Stack) (restarted int, err error) {
	return restartServices(ctx, o, st, Services)
}

// restartServices (re)starts some of mode's services and waits for them.
func restartServices(ctx context.Context, o Options, st Stack, svcs []string) (restarted int, err error) {
	l, m := o.Layout, o.Mode
	for _, svc := range svcs {
		res, err := Stop(ctx, l.ServicePID(m, svc), 10*time.Second)
		if err != nil {
			return 0, err
		}
		if res.Ours {
			restarted++
		}
	}
	// Every port is checked before anything starts, so a clash leaves nothing
	// half-started behind.
	for _, svc := range svcs {
		if err := CheckPortFree(ServicePort(o.PortBase, m, svc), fmt.Sprintf("%s, %s stack", svc, m)); err != nil {
			return 0, err
		}
	}
	procs := map[string]Proc{}
	for _, svc := range svcs {
		p, err := StartDetached(Spec{
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
			ready := st.URLs[svc] + "/readyz"
			err := waitFor(ctx, 60*time.Second, 50*time.Millisecond, p.Ours, func(ctx context.Context) error { return probe(ctx, ready) })
			mu.Lock()
			errs[svc] = err
			mu.Unlock()
		})
	}
	wg.Wait()
	for _, svc := range svcs {
		if err := errs[svc]; err != nil {
			log := l.ServiceLog(m, svc)
			return 0, &StartError{What: fmt.Sprintf("%s (%s)", svc, m), Log: l.Rel(log), Tail: TailFile(log, 20), Err: err}
		}
	}
	return restarted, nil
}

// baseEnv is what every child gets: the children are configured explicitly,
// not by whatever the developer's shell happens to export.
func baseEnv(getenv func(string) string) []string {
	var env []string
	for _, k := range []string{"PATH", "HOME", "TMPDIR", "TZ"} {
		if v := getenv(k); v != "" {
			env = append(env, k+"="+v)
		}
	}
	return env
}

// serviceEnv is svc's environment: every documented variable (config.Vars)
// the user set is passed through, then flowctl sets the ones that wire the
// stack together.
func serviceEnv(o Options, st Stack, svc string) []string {
	vars := map[string]string{}
	for _, v := range config.Vars {
		if val := o.Getenv(v.Name); val != "" {
			vars[v.Name] = val
		}
	}
	if tok, err := AdminToken(o.Layout, o.Getenv); err == nil {
		vars["ADMIN_TOKEN"] = tok
	}
	for k, v := range o.ServiceEnv[svc] {
		if v == "" {
			delete(vars, k)
		} else {
			vars[k] = v
		}
	}
	vars["MODE"] = string(o.Mode)
	vars["HTTP_ADDR"] = Addr(ServicePort(o.PortBase, o.Mode, svc))
	// One PPROF_ADDR for six services cannot work: its port is a base, each
	// service adds its own offset (sync order-svc base+1 … events base+103).
	delete(vars, "PPROF_ADDR")
	if v := o.Getenv("PPROF_ADDR"); v != "" {
		if host, port, err := net.SplitHostPort(v); err == nil {
			if base, err := strconv.Atoi(port); err == nil {
				vars["PPROF_ADDR"] = net.JoinHostPort(host, strconv.Itoa(ServicePort(base, o.Mode, svc)))
			}
		}
	}
	vars["DB_PATH"] = o.Layout.DB(o.Mode, svc)
	vars["INVENTORY_URL"] = st.URLs["inventory-svc"]
	vars["INVOICING_URL"] = st.URLs["invoicing-svc"]
	if len(st.Brokers) > 0 {
		vars["KAFKA_BROKERS"] = strings.Join(st.Brokers, ",")
	}
	if vars["TRACE_PROPAGATION"] == "" {
		vars["TRACE_PROPAGATION"] = string(config.PropagationChild)
	}
	if st.Jaeger {
		vars["OTEL_EXPORTER_OTLP_ENDPOINT"] = JaegerOTLP
		// The batch span processor exports every 5 s by default; 1 s lets the
		// demo show each order's trace right after the order settled.
		vars["OTEL_BSP_SCHEDULE_DELAY"] = "1000"
		if v := o.Getenv("OTEL_BSP_SCHEDULE_DELAY"); v != "" {
			vars["OTEL_BSP_SCHEDULE_DELAY"] = v
		}
	} else {
		vars["OTEL_TRACES_EXPORTER"] = "none"
		delete(vars, "OTEL_EXPORTER_OTLP_ENDPOINT")
	}
	env := baseEnv(o.Getenv)
	for _, k := range slices.Sorted(maps.Keys(vars)) {
		env = append(env, k+"="+vars[k])
	}
	return env
}

// CheckPortBase rejects a port base whose stacks would not fit in the
// unprivileged port range.
func CheckPortBase(n int) error {
	if n < 1024 || n > 65000 {
		return fmt.Errorf("%d: use a number from 1024 to 65000 (the stacks use base+1…3 and base+101…103)", n)
	}
	return nil
}
