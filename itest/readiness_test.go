package itest

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/service"

	inventory "github.com/orderflow/inventory-svc/app"
)

// An events service answers /readyz 503 while its consumer group has not
// joined (the broker answers, the topics exist), and 200 once the group
// joined and its consumer fetched: a stack flowctl calls ready can take an
// order's events at once. The test's own broker holds every JoinGroup until
// released, as Apache Kafka holds a new group's first join for
// group.initial.rebalance.delay.ms.
func TestReadyzWaitsForTheConsumerGroup(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.DefaultNumPartitions(3),
		kfake.BrokerConfigs(map[string]string{"group.initial.rebalance.delay.ms": "0"}))
	if err != nil {
		t.Fatal(err)
	}
	released := make(chan struct{})
	t.Cleanup(c.Close) // after the service stops (cleanups run last first), waking a held join
	c.ControlKey(int16(kmsg.JoinGroup), func(kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		c.SleepControl(func() { <-released })
		return nil, nil, false // then the broker handles the join as usual
	})

	url, app, group := startInventoryEvents(t, c.ListenAddrs())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := app.Messaging.WaitTopics(ctx); err != nil {
		t.Fatal(err)
	}
	for range 5 { // the group stays held: not ready, and says why
		status, checks := readyz(t, url)
		if status != http.StatusServiceUnavailable || checks["kafka"] != "ok" || checks["consumers"] != "consumer group "+group+": not joined yet" {
			t.Fatalf("/readyz before the group joined: %d %v; want 503, kafka ok, consumers not joined yet", status, checks)
		}
		time.Sleep(100 * time.Millisecond)
	}
	close(released)
	eventually(t, 30*time.Second, "/readyz 200 after the join", func() (bool, string) {
		status, checks := readyz(t, url)
		b, _ := json.Marshal(checks)
		return status == http.StatusOK, string(b)
	})
}

// startInventoryEvents runs an events inventory-svc on brokers until the test
// ends and returns its base URL, the app and its consumer group.
func startInventoryEvents(t *testing.T, brokers []string) (string, *inventory.App, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"MODE": "events", "DB_PATH": t.TempDir() + "/inventory.db", "KAFKA_BROKERS": brokers[0], "KAFKA_TOPIC_PREFIX": randomPrefix()}
	cfg, err := config.Load(inventory.Name, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := inventory.New(ctx, cfg, service.Options{Exporter: tracetest.NewInMemoryExporter(), LogWriter: testLog{t, inventory.Name}})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := a.Run(ctx, ln); err != nil {
			t.Errorf("inventory-svc stopped: %v", err)
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
	return "http://" + ln.Addr().String(), a, cfg.ConsumerGroup()
}

// readyz is the service's /readyz status and checks.
func readyz(t *testing.T, base string) (int, map[string]string) {
	t.Helper()
	res, err := http.Get(base + "/readyz")
	if err != nil {
		return 0, map[string]string{"error": err.Error()}
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var body struct{ Checks map[string]string }
	_ = json.Unmarshal(b, &body)
	return res.StatusCode, body.Checks
}
