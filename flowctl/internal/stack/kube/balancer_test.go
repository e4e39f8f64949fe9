package kube

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/orderflow/flowctl/internal/stackmode"
)

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// The balancer sends each request to the next ready pod, on the port the
// Service's named targetPort resolves to; a terminating pod gets none;
// with no ready pod it answers 503 problem+json. The balancer learns of a
// pod's change through its watch: the test waits for that, then asks.
func TestBalancerSpreadsRequestsOverReadyPods(t *testing.T) {
	c := newCluster(t, "events-your-kafka")
	dial := &podServers{}
	defer dial.close()
	r := New(c.client, Config{Namespace: yourKafka, Poll: 1e6, Timeout: 20e9}, dial)
	defer r.Down(context.Background(), stackmode.All, false, io.Discard)
	url := r.URLs(stackmode.Events)["inventory-svc"]

	seen := map[string]int{}
	for range 4 {
		code, pod := get(t, url+"/readyz")
		if code != 200 {
			t.Fatalf("GET through the balancer: %d %s", code, pod)
		}
		seen[pod]++
	}
	if len(seen) != 2 || seen[podNamesOf(c, t, "inventory-svc")[0]] != 2 {
		t.Fatalf("4 requests went to %v; want 2 to each of the 2 pods", seen)
	}
	for pod, port := range dial.ports {
		if port != 8080 {
			t.Errorf("pod %s dialled on %d; want the container port named http, 8080", pod, port)
		}
	}

	c.hold("inventory-svc", true)
	terminate(context.Background(), c.client, c.podsOf(t, yourKafka, "inventory-svc")[0])
	b := r.balancers[stackmode.Events]["inventory-svc"]
	readyPods := func(n int) {
		until(t, func() bool { ts, err := b.ready(context.Background()); return err == nil && len(ts) == n },
			fmt.Sprintf("the balancer's watch to see %d ready pods", n))
	}
	readyPods(1)
	left := podNamesOf(c, t, "inventory-svc")[1]
	for range 3 {
		if _, pod := get(t, url+"/readyz"); pod != left {
			t.Fatalf("a request went to %s while it terminated; want %s", pod, left)
		}
	}

	terminate(context.Background(), c.client, c.podsOf(t, yourKafka, "inventory-svc")[1])
	readyPods(0)
	resp, err := http.Get(url + "/orders")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var p struct{ Status int }
	if err := json.NewDecoder(resp.Body).Decode(&p); err != nil || resp.StatusCode != 503 || p.Status != 503 ||
		!strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
		t.Errorf("no ready pod: %d %s %+v %v; want a 503 problem", resp.StatusCode, resp.Header.Get("Content-Type"), p, err)
	}
}

// podNamesOf are svc's pod names in name order.
func podNamesOf(c *cluster, t *testing.T, svc string) []string {
	var out []string
	for _, p := range c.podsOf(t, yourKafka, svc) {
		out = append(out, p.Name)
	}
	return out
}
