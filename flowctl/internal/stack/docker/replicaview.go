package docker

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// Local says the engine runs on this machine: DOCKER_HOST unset (the
// docker command's context, taken as local), a socket, or a loopback TCP
// address; else the containers' cores are not flowctl's to count.
func (r *Runtime) Local() bool { return localHost(r.s.DockerHost()) }

func localHost(dockerHost string) bool {
	if dockerHost == "" || strings.HasPrefix(dockerHost, "unix://") || strings.HasPrefix(dockerHost, "npipe://") {
		return true
	}
	u, err := url.Parse(dockerHost)
	if err != nil {
		return false
	}
	h := u.Hostname()
	return h == "localhost" || h == "127.0.0.1" || h == "::1"
}

// balancerStats are the CSV statistics of svc's HAProxy, read inside its
// container (Scale's wait and BalancerCounts).
func (r *Runtime) balancerStats(ctx context.Context, m stackmode.Mode, svc string) (string, error) {
	ids, err := r.containerIDs(ctx, balancer(m, svc), true)
	if err != nil || len(ids) == 0 {
		return "", fmt.Errorf("no running %s (%s runs without replicas: bring it up on PostgreSQL): %w", balancer(m, svc), svc, stack.ErrNotOurs)
	}
	out, err := r.docker(ctx, "exec", ids[0], "wget", "-qO-", "http://127.0.0.1:8404/stats;csv").Output()
	if err != nil {
		return "", fmt.Errorf("%s statistics: %w", balancer(m, svc), err)
	}
	return string(out), nil
}

// BalancerCounts reads svc's HAProxy statistics (balancerCounts).
func (r *Runtime) BalancerCounts(ctx context.Context, m stackmode.Mode, svc string) (stack.BalancerCounts, error) {
	csv, err := r.balancerStats(ctx, m, svc)
	if err != nil {
		return stack.BalancerCounts{}, err
	}
	return balancerCounts(csv)
}
