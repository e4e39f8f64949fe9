package docker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// In the PostgreSQL form svc's replicas publish no port: the host reaches
// them through their HAProxy (deploy/docker/haproxy/haproxy.cfg), which
// sends a request naming a slot of its server-template in ReplicaHeader to
// that slot's replica (use-server) and names the slot that answered in the
// same response header. Its statistics, on the same published port at
// StatsPath, say which slots a replica fills and is UP in.
const (
	ReplicaHeader = "X-Orderflow-Replica"
	StatsPath     = "/_balancer/stats;csv"
)

// ReplicaEndpoints are svc's replicas in rotation, each reached through
// its balancer with the header that names its slot, by "svc/slot"; in the
// SQLite form svc is one container on its published port.
func (r *Runtime) ReplicaEndpoints(ctx context.Context, m stackmode.Mode, svc string) ([]api.Replica, error) {
	base := r.URLs(m)[svc]
	if !r.onPostgres(ctx, m) {
		return []api.Replica{{Name: svc, Base: base}}, nil
	}
	csv, err := getStats(ctx, base)
	switch {
	case errors.Is(err, errNotStats):
		// A balancer whose image predates the stats path and the slot rule.
		return nil, fmt.Errorf("%s (%s): its balancer lists no replicas (%v); rebuild its image: scripts/images-offline.sh --only haproxy: %w", svc, m, err, stack.ErrNotOurs)
	case err != nil:
		return nil, fmt.Errorf("%s (%s): its balancer does not answer: %w", svc, m, err)
	}
	slots, err := upSlots(csv)
	if err != nil {
		return nil, fmt.Errorf("%s (%s): %w", svc, m, err)
	}
	if len(slots) == 0 {
		return nil, fmt.Errorf("no replica of %s (%s) is in its balancer's rotation", svc, m)
	}
	out := make([]api.Replica, 0, len(slots))
	for _, slot := range slots {
		out = append(out, api.Replica{Name: svc + "/" + slot, Base: base, Client: slotClient(slot)})
	}
	return out, nil
}

// getStats reads the balancer's CSV statistics at base; an error when base
// answers something else (a balancer image without the stats path: a
// replica's 404).
func getStats(ctx context.Context, base string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+StatsPath, nil)
	if err != nil {
		return "", err
	}
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", fmt.Errorf("GET %s: %w", StatsPath, err)
	}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(string(b), "# pxname,") {
		return "", fmt.Errorf("GET %s: %d: %w", StatsPath, resp.StatusCode, errNotStats)
	}
	return string(b), nil
}

// upSlots are the slots of backend "replicas" whose replica is UP: those
// in rotation, which a use-server rule reaches. A slot DOWN (a replica
// starting or draining) or in maintenance (empty) is left out.
func upSlots(statsCSV string) ([]string, error) {
	rows, err := statsRows(statsCSV)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, r := range rows {
		if _, ok := r["status"]; !ok {
			return nil, fmt.Errorf("haproxy statistics: no status column")
		}
		if r["svname"] != "BACKEND" && strings.HasPrefix(r["status"], "UP") {
			out = append(out, r["svname"])
		}
	}
	return out, nil
}

var errNotStats = errors.New("not HAProxy's statistics")

// slotClient reaches the replica in slot through the balancer.
func slotClient(slot string) *http.Client {
	return &http.Client{Timeout: 5 * time.Second, Transport: slotTransport{slot: slot, next: http.DefaultTransport}}
}

// slotTransport names the slot in each request and checks that slot
// answered: when its replica left the rotation since it was listed, HAProxy
// ignores the rule (or, its connection refused, redispatches the request)
// and another replica answers. A fault sent twice to that one is harmless
// (PUT replaces); the error says the slot's replica did not get it.
type slotTransport struct {
	slot string
	next http.RoundTripper
}

func (t slotTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.Header.Set(ReplicaHeader, t.slot)
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	if got := resp.Header.Get(ReplicaHeader); got != t.slot {
		resp.Body.Close()
		return nil, fmt.Errorf("%s %s for slot %s was answered by %q: its replica left the balancer's rotation since it was listed (a scale-in or a restart?)", req.Method, req.URL.Path, t.slot, got)
	}
	return resp, nil
}

// ReplicaMetrics reads each replica's /metrics through its balancer's slot
// rule, by "svc/slot" (stack.ReadReplicaMetrics).
func (r *Runtime) ReplicaMetrics(ctx context.Context, m stackmode.Mode, svc string) (map[string]map[string]float64, error) {
	return stack.ReadReplicaMetrics(ctx, r, m, svc)
}
