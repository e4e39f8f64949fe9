package stack

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"syscall"

	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/platform/topology"
)

// The documented ports (DESIGN.md): sync stack 8081/8082/8083, fraud-svc 8084 (each
// service's topology.Service.PortOffset above topology.DefaultPortBase),
// events stack 8181/8182/8183, events-orchestration 8281/8282/8283 (each
// stack's stackmode.Mode.PortOffset), Kafka 9092. Tests move them with a different
// base so they never collide with a developer's running demo.
const (
	DefaultBrokerPort = 9092
)

// Jaeger's ports are fixed by deploy/jaeger/config.yaml.
const (
	JaegerUIPort     = 16686
	JaegerOTLPPort   = 4318
	JaegerHealthPort = 13133
)

// ServicePort is the port of svc in mode's stack for a port base: the
// service's topology port offset above base. A name the topology does not
// know gets base itself.
func ServicePort(base int, m stackmode.Mode, svc string) int {
	p := base
	if s, err := topology.Place(topology.Choreography, false, svc); err == nil {
		p = s.Port(base)
	}
	return p + m.PortOffset()
}

// Addr is the loopback address of port: everything flowctl starts listens on
// 127.0.0.1 only.
func Addr(port int) string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(port)) }

// URL is the base URL of a loopback port.
func URL(port int) string { return "http://" + Addr(port) }

// PortInUseError says a port is taken by a program flowctl did not start.
type PortInUseError struct {
	Port int
	What string // e.g. "order-svc (events)"
}

func (e *PortInUseError) Error() string {
	return fmt.Sprintf("port %d (%s) is in use by another program; stop it or run `make down`", e.Port, e.What)
}

// CheckPortFree tries to bind 127.0.0.1:port. Binding, rather than dialling,
// also catches a program that listens but does not accept, and one bound to
// 0.0.0.0. Go sets SO_REUSEADDR, so sockets of a stopped process lingering in
// TIME_WAIT do not count as "in use".
func CheckPortFree(port int, what string) error {
	ln, err := net.Listen("tcp", Addr(port))
	if err == nil {
		return ln.Close()
	}
	if errors.Is(err, syscall.EADDRINUSE) {
		return &PortInUseError{Port: port, What: what}
	}
	return fmt.Errorf("check port %d (%s): %w", port, what, err)
}
