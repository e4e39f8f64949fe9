package docker

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/orderflow/flowctl/internal/api"
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

// balancerStats are the CSV statistics of svc's HAProxy, and its container.
func (r *Runtime) balancerStats(ctx context.Context, m stackmode.Mode, svc string) (string, string, error) {
	ids, err := r.containerIDs(ctx, balancer(m, svc), true)
	if err != nil || len(ids) == 0 {
		return "", "", fmt.Errorf("no running %s (%s runs without replicas: bring it up on PostgreSQL): %w", balancer(m, svc), svc, stack.ErrNotOurs)
	}
	out, err := r.docker(ctx, "exec", ids[0], "wget", "-qO-", "http://127.0.0.1:8404/stats;csv").Output()
	if err != nil {
		return "", "", fmt.Errorf("%s statistics: %w", balancer(m, svc), err)
	}
	return string(out), ids[0], nil
}

// BalancerCounts reads svc's HAProxy statistics (balancerCounts).
func (r *Runtime) BalancerCounts(ctx context.Context, m stackmode.Mode, svc string) (stack.BalancerCounts, error) {
	csv, _, err := r.balancerStats(ctx, m, svc)
	if err != nil {
		return stack.BalancerCounts{}, err
	}
	return balancerCounts(csv)
}

// ReplicaMetrics reads each replica's /metrics from inside svc's HAProxy
// container (the replicas publish no port; it reaches them on compose's
// network), by address. Without a balancer svc runs as one container on
// its published port.
func (r *Runtime) ReplicaMetrics(ctx context.Context, m stackmode.Mode, svc string) (map[string]map[string]float64, error) {
	stats, lb, err := r.balancerStats(ctx, m, svc)
	if err != nil && !errors.Is(err, stack.ErrNotOurs) {
		return nil, err
	}
	if err != nil {
		got, uerr := api.GetMetrics(ctx, r.URLs(m)[svc], &http.Client{Timeout: 5 * time.Second})
		if uerr != nil {
			return nil, fmt.Errorf("metrics of %s (%s): %w", svc, m, uerr)
		}
		return map[string]map[string]float64{svc: got}, nil
	}
	addrs, err := replicaAddrs(stats)
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]float64{}
	for _, a := range addrs {
		body, err := r.docker(ctx, "exec", lb, "wget", "-qO-", "http://"+a+"/metrics").Output()
		if err != nil {
			continue // a replica going away between the statistics and now
		}
		got, err := api.ParseMetrics(strings.NewReader(string(body)))
		if err != nil {
			return nil, fmt.Errorf("metrics of %s at %s: %w", svc, a, err)
		}
		out[a] = got
	}
	return out, nil
}
