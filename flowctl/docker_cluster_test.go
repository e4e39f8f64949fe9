package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/stack/docker"
)

// clusterOrderURL etc. are the cluster stack's published ports (docker-compose.yml).
const (
	clusterOrderURL     = "http://127.0.0.1:8381"
	clusterInventoryURL = "http://127.0.0.1:8382"
	clusterInvoicingURL = "http://127.0.0.1:8383"
)

// TestDockerClusterSurvivesBrokerLoss runs the events flow on three KRaft
// brokers (topics with replication factor 3, min.insync.replicas 2), stops one
// broker while orders are flowing, and asserts that every accepted order still
// reaches a final state, none twice.
func TestDockerClusterSurvivesBrokerLoss(t *testing.T) {
	requireDocker(t, "cluster")
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	compose, err := docker.FindCompose(ctx, "..", os.Environ())
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	t.Cleanup(func() {
		var out bytes.Buffer
		if err := compose.Run(context.Background(), &out, "--profile", "cluster", "down", "-v", "--remove-orphans"); err != nil {
			t.Errorf("down: %v\n%s", err, out.String())
		}
	})
	// A clean slate: the cluster's volumes may hold an earlier run's orders.
	if err := compose.Run(ctx, &log, "--profile", "cluster", "down", "-v", "--remove-orphans"); err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if err := compose.Run(ctx, &log, "--profile", "cluster", "up", "-d"); err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	for _, u := range []string{clusterOrderURL, clusterInventoryURL, clusterInvoicingURL} {
		waitHTTP(ctx, t, u+"/readyz", 3*time.Minute)
	}

	orders := api.NewOrders(clusterOrderURL, &http.Client{Timeout: 10 * time.Second})
	var ids []string
	place := func(n int) {
		for range n {
			p, err := orders.Place(ctx, api.PlaceRequest{CustomerID: "cluster", Items: []api.Line{{SKU: "SKU-001", Qty: 1}}})
			if err != nil || p.HTTPStatus != http.StatusAccepted {
				t.Fatalf("order %d: HTTP %d, %v: events mode must accept while a broker is down", len(ids)+1, p.HTTPStatus, err)
			}
			ids = append(ids, p.Order.ID)
		}
	}
	place(20)
	log.Reset()
	if err := compose.Run(ctx, &log, "stop", "kafka-2"); err != nil {
		t.Fatalf("stop kafka-2: %v\n%s", err, log.String())
	}
	t.Log("kafka-2 stopped after 20 orders")
	place(30)

	// Every accepted order reaches CONFIRMED; the outbox and the consumers
	// ride out the leader elections that follow the broker's loss.
	deadline := time.Now().Add(3 * time.Minute)
	for _, id := range ids {
		for {
			o, err := orders.Get(ctx, id)
			if err == nil && o.Status == "CONFIRMED" {
				break
			}
			if err == nil && o.Final {
				t.Fatalf("order %s ended %s (%s), want CONFIRMED", id, o.Status, o.Reason)
			}
			if time.Now().After(deadline) {
				t.Fatalf("order %s still %s 3 min after the last placement (err %v)", id, o.Status, err)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	// None twice: one invoice per order, and the stock reserved once per order.
	bills := api.NewInvoicing(clusterInvoicingURL, nil)
	totals, err := bills.Totals(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if totals.Count != len(ids) {
		t.Fatalf("%d invoices for %d orders", totals.Count, len(ids))
	}
	for _, id := range ids {
		if _, ok, err := bills.ByOrder(ctx, id); err != nil || !ok {
			t.Fatalf("order %s: invoice found=%v, %v", id, ok, err)
		}
	}
	var st struct {
		Reserved int `json:"reserved"`
	}
	if err := getJSON(ctx, clusterInventoryURL+"/stock/SKU-001", &st); err != nil {
		t.Fatal(err)
	}
	if st.Reserved != len(ids) {
		t.Fatalf("SKU-001 reserved = %d for %d orders of one each: a reservation was lost or doubled", st.Reserved, len(ids))
	}
}

func waitHTTP(ctx context.Context, t *testing.T, url string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		res, err := http.DefaultClient.Do(req)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready within %s (last: %v)", url, within, err)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func getJSON(ctx context.Context, url string, v any) error {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	return jsonDecode(res, v)
}

func jsonDecode(res *http.Response, v any) error {
	if res.StatusCode != http.StatusOK {
		return &httpStatusError{res.Status}
	}
	return json.NewDecoder(res.Body).Decode(v)
}

type httpStatusError struct{ status string }

func (e *httpStatusError) Error() string { return "HTTP " + e.status }
