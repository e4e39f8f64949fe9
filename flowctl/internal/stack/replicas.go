package stack

import (
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/orderflow/flowctl/internal/stackmode"
)

// A service scaled natively runs as replicas #1…#n behind a balancer (a
// `flowctl lb` process) that listens on the service's usual port, so every
// caller keeps its URL. Replica i listens on the service's port plus
// ReplicaPortStep·i: inventory-svc of the sync stack (8082) runs its
// replicas on 9082, 10082, 11082. The step is above every offset a stack
// uses (services +1…+4, stacks +0/+100/+200), so no replica port is another
// service's, and MaxReplicas keeps the highest below 65536 at the default
// base.
const (
	ReplicaPortStep = 1000
	MaxReplicas     = 9
)

// ReplicaPort is the port of replica i (1…MaxReplicas) of a service whose
// usual port is port.
func ReplicaPort(port, i int) int { return port + ReplicaPortStep*i }

// ReplicaName is how status, logs and usage name replica i: inventory-svc#2.
func ReplicaName(svc string, i int) string { return fmt.Sprintf("%s#%d", svc, i) }

// CheckReplicas rejects a replica count flowctl cannot run for a service on
// port.
func CheckReplicas(svc string, n, port int) error {
	if n < 1 || n > MaxReplicas {
		return fmt.Errorf("%s=%d: use 1 to %d replicas", svc, n, MaxReplicas)
	}
	if p := ReplicaPort(port, n); p > 65535 {
		return fmt.Errorf("%s=%d: replica %d would listen on port %d, above 65535; use a lower --port-base", svc, n, n, p)
	}
	return nil
}

// ParseReplicas reads --replicas, the one syntax of up and bench: service=n
// pairs, comma-separated, each service by its
// full name or without -svc ("inventory=3,order-svc=2"). services are the
// names a stack may run; n is 1 to MaxReplicas. An error is one line that
// names the pair and says what to write.
func ParseReplicas(s string, services []string) (map[string]int, error) {
	out := map[string]int{}
	for pair := range strings.SplitSeq(s, ",") {
		if pair = strings.TrimSpace(pair); pair == "" {
			continue
		}
		svc, n, err := parseReplicaPair(pair, services)
		if err != nil {
			return nil, fmt.Errorf("--replicas %q: %w", pair, err)
		}
		if _, twice := out[svc]; twice {
			return nil, fmt.Errorf("--replicas %q: %s is named twice; give each service once", pair, svc)
		}
		out[svc] = n
	}
	return out, nil
}

// parseReplicaPair reads one service=n.
func parseReplicaPair(pair string, services []string) (string, int, error) {
	name, count, ok := strings.Cut(pair, "=")
	name, count = strings.TrimSpace(name), strings.TrimSpace(count)
	n, err := strconv.Atoi(count)
	if !ok || name == "" || err != nil {
		return "", 0, fmt.Errorf("write service=n with a whole n, e.g. inventory=3,order-svc=2")
	}
	svc := name
	if !strings.HasSuffix(svc, "-svc") {
		svc += "-svc"
	}
	if !slices.Contains(services, svc) {
		return "", 0, fmt.Errorf("no service %s; use one of %s (the -svc may be left off)", name, strings.Join(services, ", "))
	}
	if n < 1 || n > MaxReplicas {
		return "", 0, fmt.Errorf("use 1 to %d replicas", MaxReplicas)
	}
	return svc, n, nil
}

// The run dir's files of a scaled service.

func (l Layout) ReplicaPID(m stackmode.Mode, svc string, i int) string {
	return filepath.Join(l.ModeDir(m), ReplicaName(svc, i)+".pid")
}
func (l Layout) ReplicaLog(m stackmode.Mode, svc string, i int) string {
	return filepath.Join(l.ModeDir(m), "logs", ReplicaName(svc, i)+".log")
}

// BalancerPID is the pid file of svc's `flowctl lb`; BalancerControl holds
// the address of its control API; BalancerLog its log.
func (l Layout) BalancerPID(m stackmode.Mode, svc string) string {
	return filepath.Join(l.ModeDir(m), svc+".lb.pid")
}
func (l Layout) BalancerControl(m stackmode.Mode, svc string) string {
	return filepath.Join(l.ModeDir(m), svc+".lb.addr")
}
func (l Layout) BalancerLog(m stackmode.Mode, svc string) string {
	return filepath.Join(l.ModeDir(m), "logs", svc+".lb.log")
}

// ReplicasFile holds how many replicas svc runs with, written while it is
// scaled so a later flowctl (start, stop, a scenario) starts it alike.
func (l Layout) ReplicasFile(m stackmode.Mode, svc string) string {
	return filepath.Join(l.ModeDir(m), svc+".replicas")
}

// StoreFile exists while mode's stack keeps its state in PostgreSQL.
func (l Layout) StoreFile(m stackmode.Mode) string {
	return filepath.Join(l.ModeDir(m), "store-postgres")
}

// PostgresDir is flowctl's own PostgreSQL cluster (data/, its log and
// socket), started when a stack needs it and DATABASE_URL is unset.
func (l Layout) PostgresDir() string { return filepath.Join(l.RunDir, "postgres") }
func (l Layout) PostgresLog() string { return filepath.Join(l.PostgresDir(), "postgres.log") }
