package kube

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// Each ready pod is read on its own: two pods, two counts (1 and 2), not
// one pod's through the balancer.
func TestReplicaMetricsReadsEachPod(t *testing.T) {
	dial := &podServers{handler: func(_ string, n int) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			fmt.Fprintf(w, "consumer_duplicate_events_total %d\n", n)
		})
	}}
	r, _ := twoReadyPods(t, dial)
	got, err := r.ReplicaMetrics(context.Background(), stackmode.Events, "inventory-svc")
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, m := range got {
		sum += m["consumer_duplicate_events_total"]
	}
	if len(got) != 2 || sum != 3 {
		t.Errorf("metrics %v: want 2 pods read, counts 1 + 2", got)
	}
	r.cfg.URL = "http://ingress/{service}"
	if _, err := r.ReplicaMetrics(context.Background(), stackmode.Events, "inventory-svc"); !errors.Is(err, stack.ErrNotOurs) {
		t.Errorf("through an ingress: %v, want ErrNotOurs", err)
	}
}
