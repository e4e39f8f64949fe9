package native

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/orderflow/flowctl/internal/stack"
)

// BrokerConfig configures the embedded broker.
type BrokerConfig struct {
	Addr    string // host:port; kfake listens on 127.0.0.1 only
	DataDir string // where the log is kept across restarts; "" keeps it in memory
	Log     io.Writer
}

// RunBroker runs a single-node Kafka-protocol broker (kfake) until ctx ends,
// calling ready with its address once it accepts connections. Closing it
// writes its state to DataDir, so committed offsets and topics survive a
// restart.
func RunBroker(ctx context.Context, c BrokerConfig, ready func(addr string)) error {
	host, portStr, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return fmt.Errorf("--addr %q: use host:port, e.g. 127.0.0.1:9092", c.Addr)
	}
	if host != "127.0.0.1" && host != "localhost" {
		return fmt.Errorf("--addr %q: the embedded broker listens on 127.0.0.1 only; use 127.0.0.1:%s", c.Addr, portStr)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil || port < 1 || port > 65535 {
		return fmt.Errorf("--addr %q: the port must be 1–65535", c.Addr)
	}
	if err := stack.CheckPortFree(port, "Kafka broker"); err != nil {
		return err
	}
	if c.Log == nil {
		c.Log = io.Discard
	}
	opts := []kfake.Opt{
		kfake.Ports(port), // one broker: a single node is all the demo needs
		kfake.DefaultNumPartitions(3),
		// Real Kafka delays the first rebalance of a new group by 3 s; zero
		// keeps a fresh demo's first orders from paying that. kfake has no
		// such delay today and merely stores the value, but stating it keeps
		// the broker's intent explicit should that change.
		kfake.BrokerConfigs(map[string]string{"group.initial.rebalance.delay.ms": "0"}),
		kfake.WithLogger(kfake.BasicLogger(c.Log, kfake.LogLevelWarn)),
	}
	if c.DataDir != "" {
		if err := os.MkdirAll(c.DataDir, 0o755); err != nil {
			return fmt.Errorf("broker data dir: %w", err)
		}
		opts = append(opts, kfake.DataDir(c.DataDir))
	}
	cluster, err := kfake.NewCluster(opts...)
	if err != nil {
		return fmt.Errorf("start broker on %s: %w", c.Addr, err)
	}
	addrs := cluster.ListenAddrs()
	if ready != nil {
		ready(strings.Join(addrs, ","))
	}
	<-ctx.Done()
	// Close persists the state; give it a bound so a wedged broker still
	// exits (a second signal is not needed then).
	done := make(chan struct{})
	go func() { cluster.Close(); close(done) }()
	select {
	case <-done:
		return nil
	case <-time.After(10 * time.Second):
		return errors.New("broker did not shut down within 10s; its data dir may miss the last writes")
	}
}
