package itest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/service"

	inventory "github.com/orderflow/inventory-svc/app"
	invoicing "github.com/orderflow/invoicing-svc/app"

	fraud "github.com/orderflow/fraud-svc/app"
	orders "github.com/orderflow/order-svc/app"
)

// brokers is the broker every test in this package uses.
var brokers []string

// skipBroker, when set, is why tests that need a broker skip (ITEST_BROKER=docker
// without a Docker engine).
var skipBroker string

// TestMain picks the broker: KAFKA_BROKERS (a real Kafka, as in CI), else
// ITEST_BROKER=docker (Kafka in a container via testcontainers, image from
// KAFKA_IMAGE), else the embedded kfake broker.
func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	switch {
	case os.Getenv("KAFKA_BROKERS") != "":
		brokers = strings.Split(os.Getenv("KAFKA_BROKERS"), ",")
		fmt.Printf("itest: broker = real Kafka at %s (KAFKA_BROKERS)\n", os.Getenv("KAFKA_BROKERS"))
	case os.Getenv("REQUIRE_KAFKA") == "1":
		fmt.Println("itest: REQUIRE_KAFKA=1 but KAFKA_BROKERS is not set: start a broker (make kafka-up) and export KAFKA_BROKERS=127.0.0.1:29092")
		return 1
	case os.Getenv("ITEST_BROKER") == "docker":
		addr, stop, err := dockerKafka(context.Background())
		var noDocker errNoDocker
		switch {
		case errors.As(err, &noDocker) && os.Getenv("REQUIRE_DOCKER") != "1":
			skipBroker = fmt.Sprintf("ITEST_BROKER=docker: %v (REQUIRE_DOCKER=1 makes this a failure)", err)
			fmt.Println("itest: skipping broker tests:", skipBroker)
		case err != nil:
			fmt.Println("itest:", err)
			return 1
		default:
			defer stop()
			brokers = []string{addr}
			fmt.Printf("itest: broker = Kafka container %s at %s (testcontainers)\n", kafkaImage(), addr)
		}
	default:
		c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.DefaultNumPartitions(3),
			kfake.BrokerConfigs(map[string]string{"group.initial.rebalance.delay.ms": "0"}))
		if err != nil {
			fmt.Println("itest: start embedded broker:", err)
			return 1
		}
		defer c.Close()
		brokers = c.ListenAddrs()
		fmt.Printf("itest: broker = embedded kfake at %s (set KAFKA_BROKERS for a real Kafka, ITEST_BROKER=docker for a container)\n", strings.Join(brokers, ","))
	}
	return m.Run()
}

func kafkaImage() string {
	if v := os.Getenv("KAFKA_IMAGE"); v != "" {
		return v
	}
	return DefaultKafkaImage
}

// stackOpts tweak one in-process stack.
type stackOpts struct {
	mode        config.Mode
	propagation config.Propagation
	// env overrides per service name (e.g. INVENTORY_URL for order-svc).
	env map[string]map[string]string
	// skip leaves a service out (to point order-svc at a fake instead).
	skip map[string]bool
	// fraudCheck starts fraud-svc too and sets FRAUD_CHECK=on everywhere.
	fraudCheck bool
}

// stack is the three services running in this process.
type stack struct {
	t         *testing.T
	prefix    string
	spans     *tracetest.InMemoryExporter
	order     *orders.App
	inventory *inventory.App
	invoicing *invoicing.App
	fraud     *fraud.App
	url       map[string]string
	cancel    context.CancelFunc
	wg        sync.WaitGroup
}

func randomPrefix() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return "it-" + hex.EncodeToString(b) + "-"
}

// startStack starts inventory, invoicing and order-svc on free ports with
// their own databases, a fresh topic prefix and one shared span recorder.
func startStack(t *testing.T, o stackOpts) *stack {
	t.Helper()
	if o.mode == config.ModeEvents && skipBroker != "" {
		t.Skip(skipBroker)
	}
	if o.propagation == "" {
		o.propagation = config.PropagationChild
	}
	s := &stack{t: t, prefix: randomPrefix(), spans: tracetest.NewInMemoryExporter(), url: map[string]string{}}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	databaseURL := stackDatabaseURL(t) // before s.stop's cleanup: dropped after the services stop
	t.Cleanup(s.stop)
	dir := t.TempDir()
	listeners := map[string]net.Listener{}
	names := stackNames(o)
	for _, name := range names {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		listeners[name] = ln
		s.url[name] = "http://" + ln.Addr().String()
	}
	for _, name := range names {
		if o.skip[name] {
			listeners[name].Close()
			continue
		}
		env := map[string]string{
			"MODE":                string(o.mode),
			"DB_PATH":             dir + "/" + name + ".db",
			"KAFKA_BROKERS":       strings.Join(brokers, ","),
			"KAFKA_TOPIC_PREFIX":  s.prefix,
			"INVENTORY_URL":       s.url[inventory.Name],
			"INVOICING_URL":       s.url[invoicing.Name],
			"FRAUD_URL":           s.url[fraud.Name],
			"FRAUD_CHECK":         onOff(o.fraudCheck),
			"TRACE_PROPAGATION":   string(o.propagation),
			"HTTP_CLIENT_TIMEOUT": "2s",
			"LOG_LEVEL":           "debug",
		}
		if databaseURL != "" {
			env["DATABASE_URL"] = databaseURL
		}
		for k, v := range o.env[name] {
			env[k] = v
		}
		cfg, err := config.Load(name, func(k string) string { return env[k] })
		if err != nil {
			t.Fatal(err)
		}
		opts := service.Options{Exporter: s.spans, LogWriter: testLog{t, name}}
		app := s.newApp(ctx, name, cfg, opts)
		ln := listeners[name]
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			if err := app.Run(ctx, ln); err != nil {
				t.Errorf("%s stopped: %v", name, err)
			}
		}()
	}
	// order-svc is only ready when its downstreams are usable; a test that
	// leaves one out or fakes it waits for liveness instead.
	degraded := len(o.skip) > 0 || len(o.env[orders.Name]) > 0
	for _, name := range names {
		switch {
		case o.skip[name]:
		case name == orders.Name && degraded:
			s.waitHTTP(name, "/healthz")
		default:
			s.waitHTTP(name, "/readyz")
			s.waitTopics(name)
		}
	}
	return s
}

func (s *stack) stop() {
	s.cancel()
	s.wg.Wait()
}

// waitHTTP polls path until it answers 200.
func (s *stack) waitHTTP(name, path string) {
	s.t.Helper()
	eventually(s.t, 30*time.Second, name+" "+path, func() (bool, string) {
		res, err := http.Get(s.url[name] + path)
		if err != nil {
			return false, err.Error()
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		return res.StatusCode == 200, string(b)
	})
}

// waitTopics waits until the service's consumers may start (events mode).
func (s *stack) waitTopics(name string) {
	s.t.Helper()
	var m *service.Messaging
	switch name {
	case inventory.Name:
		m = s.inventory.Messaging
	case invoicing.Name:
		m = s.invoicing.Messaging
	case orders.Name:
		m = s.order.Messaging
	case fraud.Name:
		m = s.fraud.Messaging
	}
	if m != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := m.WaitTopics(ctx); err != nil {
			s.t.Fatalf("%s topics: %v", name, err)
		}
	}
}

// testLog sends service logs to the test log (shown on failure or -v).
type testLog struct {
	t    *testing.T
	name string
}

func (l testLog) Write(p []byte) (int, error) {
	l.t.Logf("%s: %s", l.name, bytes.TrimSpace(p))
	return len(p), nil
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, within time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(within)
	delay := 5 * time.Millisecond
	last := ""
	for {
		ok, info := cond()
		if ok {
			return
		}
		last = info
		if time.Now().After(deadline) {
			t.Fatalf("%s: not reached within %s (last: %s)", what, within, last)
		}
		time.Sleep(delay)
		delay = min(delay*2, 200*time.Millisecond)
	}
}

// orderView is the part of order-svc's order JSON the tests read.
type orderView struct {
	ID       string `json:"id"`
	Status   string `json:"status"`
	Final    bool   `json:"final"`
	Reason   string `json:"reason"`
	TraceID  string `json:"trace_id"`
	Timeline []struct {
		Step    string  `json:"step"`
		AfterMS float64 `json:"after_ms"`
	} `json:"timeline"`
	InvoiceID     string   `json:"invoice_id"`
	TotalCents    int64    `json:"total_cents"`
	TimeToFinalMS *float64 `json:"time_to_final_ms"`
}

func (o orderView) steps() []string {
	var out []string
	for _, s := range o.Timeline {
		out = append(out, s.Step)
	}
	return out
}

// problemView is an RFC 9457 body.
type problemView struct {
	Type    string `json:"type"`
	Title   string `json:"title"`
	Status  int    `json:"status"`
	Detail  string `json:"detail"`
	OrderID string `json:"order_id"`
	Errors  []struct {
		Field  string `json:"field"`
		Detail string `json:"detail"`
	} `json:"errors"`
}

type response struct {
	status   int
	header   http.Header
	body     []byte
	duration time.Duration
}

func (r response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

func do(t *testing.T, method, url string, body any) response {
	t.Helper()
	var rd io.Reader
	if body != nil {
		if s, ok := body.(string); ok {
			rd = strings.NewReader(s)
		} else {
			b, _ := json.Marshal(body)
			rd = bytes.NewReader(b)
		}
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	start := time.Now()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, header: res.Header, body: b, duration: time.Since(start)}
}

func (s *stack) place(customer string, items ...map[string]any) response {
	return do(s.t, http.MethodPost, s.url[orders.Name]+"/orders", map[string]any{"customer_id": customer, "items": items})
}

func item(sku string, qty int) map[string]any { return map[string]any{"sku": sku, "qty": qty} }

func (s *stack) getOrder(id string) orderView {
	s.t.Helper()
	r := do(s.t, http.MethodGet, s.url[orders.Name]+"/orders/"+id, nil)
	if r.status != 200 {
		s.t.Fatalf("GET order %s: %d %s", id, r.status, r.body)
	}
	var o orderView
	r.decode(s.t, &o)
	return o
}

// waitFinal polls the order until its status is final.
func (s *stack) waitFinal(id string) orderView {
	s.t.Helper()
	var o orderView
	eventually(s.t, 30*time.Second, "order "+id+" final", func() (bool, string) {
		o = s.getOrder(id)
		return o.Final, o.Status
	})
	return o
}

func stringsReader(s string) io.Reader { return strings.NewReader(s) }
