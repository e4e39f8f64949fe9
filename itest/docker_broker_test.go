package itest

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strconv"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/wait"
)

// DefaultKafkaImage is the image the Docker-backed integration tests use unless
// KAFKA_IMAGE names another (make images-offline builds a local one).
const DefaultKafkaImage = "apache/kafka:4.1.1"

// dockerKafka starts a single-node KRaft Kafka with testcontainers. Kafka must
// advertise the address the test dials, so the host port is chosen first and
// bound explicitly on 127.0.0.1. It returns the bootstrap address and a stop
// function, or errNoDocker when no engine answers.
func dockerKafka(ctx context.Context) (string, func(), error) {
	if err := dockerAvailable(ctx); err != nil {
		return "", nil, err
	}
	port, err := freePort()
	if err != nil {
		return "", nil, err
	}
	image := os.Getenv("KAFKA_IMAGE")
	if image == "" {
		image = DefaultKafkaImage
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	c, err := testcontainers.Run(ctx, image,
		testcontainers.WithEnv(map[string]string{
			"KAFKA_NODE_ID":                                  "1",
			"KAFKA_PROCESS_ROLES":                            "broker,controller",
			"KAFKA_LISTENERS":                                "PLAINTEXT://0.0.0.0:9092,CONTROLLER://0.0.0.0:9093",
			"KAFKA_ADVERTISED_LISTENERS":                     "PLAINTEXT://" + addr,
			"KAFKA_CONTROLLER_LISTENER_NAMES":                "CONTROLLER",
			"KAFKA_LISTENER_SECURITY_PROTOCOL_MAP":           "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
			"KAFKA_CONTROLLER_QUORUM_VOTERS":                 "1@localhost:9093",
			"KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR":         "1",
			"KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR": "1",
			"KAFKA_TRANSACTION_STATE_LOG_MIN_ISR":            "1",
			"KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS":         "0",
			"KAFKA_NUM_PARTITIONS":                           "3",
			"KAFKA_HEAP_OPTS":                                "-Xmx512m -Xms256m",
		}),
		testcontainers.WithExposedPorts("9092/tcp"),
		testcontainers.WithHostConfigModifier(func(hc *container.HostConfig) {
			hc.PortBindings = network.PortMap{
				network.MustParsePort("9092/tcp"): {{HostIP: netip.MustParseAddr("127.0.0.1"), HostPort: strconv.Itoa(port)}},
			}
		}),
		testcontainers.WithWaitStrategyAndDeadline(3*time.Minute, wait.ForLog("Kafka Server started")),
	)
	if err != nil {
		return "", nil, fmt.Errorf("start Kafka container %s: %w (no registry? `make images-offline` builds one locally; then export KAFKA_IMAGE=orderflow/kafka:4.1.1)", image, err)
	}
	stop := func() {
		sctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		_ = testcontainers.TerminateContainer(c, testcontainers.StopContext(sctx))
	}
	return addr, stop, nil
}

// errNoDocker says no Docker engine answered.
type errNoDocker struct{ err error }

func (e errNoDocker) Error() string { return "no Docker engine: " + e.err.Error() }

func dockerAvailable(ctx context.Context) error {
	p, err := testcontainers.NewDockerProvider()
	if err != nil {
		return errNoDocker{err}
	}
	defer p.Close()
	hctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := p.Health(hctx); err != nil {
		return errNoDocker{err}
	}
	return nil
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
