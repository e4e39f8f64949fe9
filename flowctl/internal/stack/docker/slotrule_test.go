package docker

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/orderflow/flowctl/internal/stack"
)

// Every slot of the server-template has a use-server rule on the replica
// header, and the answer names the slot that served it: without either a
// fault meant for every replica reaches one.
func TestBalancerRoutesEachSlotByHeader(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(repoRoot, "deploy", "docker", "haproxy", "haproxy.cfg"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := string(b)
	for i := 1; i <= stack.MaxReplicas; i++ {
		rule := fmt.Sprintf("use-server replica%d if { req.hdr(%s) -m str replica%d }", i, strings.ToLower(ReplicaHeader), i)
		if !regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(rule) + `$`).MatchString(cfg) {
			t.Errorf("haproxy.cfg has no %q", rule)
		}
	}
	for _, want := range []string{
		"http-response set-header " + strings.ToLower(ReplicaHeader) + " %[srv_name]",
		"stats uri " + strings.TrimSuffix(StatsPath, ";csv"),
	} {
		if !strings.Contains(cfg, want) {
			t.Errorf("haproxy.cfg has no %q", want)
		}
	}
}

// The slots listed are those UP: not a replica starting or draining (DOWN),
// nor an empty slot (MAINT).
func TestUpSlotsFromTheStatistics(t *testing.T) {
	got, err := upSlots(countsSample)
	if want := []string{"replica1", "replica2"}; err != nil || !slices.Equal(got, want) {
		t.Errorf("slots %v, %v; want %v", got, err, want)
	}
}

// fakeBalancer answers as HAProxy does with the slot rule: the slot named
// when it is UP, else (a slot gone) replica1; the slot that answered in
// the response header.
func fakeBalancer(up ...string) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, strings.TrimSuffix(StatsPath, ";csv")) {
			fmt.Fprint(w, "# pxname,svname,status,addr\n")
			for _, s := range up {
				fmt.Fprintf(w, "replicas,%s,UP,172.18.0.9:8080\n", s)
			}
			fmt.Fprint(w, "replicas,replica9,MAINT (resolution),\nreplicas,BACKEND,UP,\n")
			return
		}
		served := r.Header.Get(ReplicaHeader)
		if !slices.Contains(up, served) {
			served = "replica1"
		}
		w.Header().Set(ReplicaHeader, served)
		fmt.Fprintf(w, "served by %s\n", served)
	}))
}

// Each endpoint reaches its slot; a slot whose replica left since the
// listing is an error, not another replica's answer taken for its own.
func TestSlotClientReachesItsSlotOrSaysSo(t *testing.T) {
	lb := fakeBalancer("replica1", "replica3")
	defer lb.Close()
	csv, err := getStats(context.Background(), lb.URL)
	if err != nil {
		t.Fatal(err)
	}
	slots, err := upSlots(csv)
	if !slices.Equal(slots, []string{"replica1", "replica3"}) || err != nil {
		t.Fatalf("slots %v, %v", slots, err)
	}
	resp, err := slotClient("replica3").Get(lb.URL + "/metrics")
	if err != nil {
		t.Fatalf("replica3: %v", err)
	}
	resp.Body.Close()
	if got := resp.Header.Get(ReplicaHeader); got != "replica3" {
		t.Errorf("served by %q, want replica3", got)
	}
	_, err = slotClient("replica2").Get(lb.URL + "/admin/faults")
	if err == nil || !strings.Contains(err.Error(), `answered by "replica1"`) {
		t.Errorf("a slot gone: %v, want the miss said", err)
	}
	// A container without a balancer answers no statistics.
	plain := httptest.NewServer(http.NotFoundHandler())
	defer plain.Close()
	if _, err := getStats(context.Background(), plain.URL); err == nil {
		t.Error("a 404 was taken for HAProxy's statistics")
	}
}
