package balancer

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// adminReplica counts the writes it got to /admin/faults and answers them
// with status.
type adminReplica struct {
	srv    *httptest.Server
	mu     sync.Mutex
	writes []string
}

func newAdminReplica(t *testing.T, name string, status int) *adminReplica {
	a := &adminReplica{}
	a.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if r.Method != http.MethodGet {
			a.mu.Lock()
			a.writes = append(a.writes, string(b))
			a.mu.Unlock()
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, `{"replica":"`+name+`"}`)
	}))
	t.Cleanup(a.srv.Close)
	return a
}

func (a *adminReplica) addr() string { return strings.TrimPrefix(a.srv.URL, "http://") }
func (a *adminReplica) count() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.writes)
}

func do(t *testing.T, method, url, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestAdminWritesReachEveryReplica(t *testing.T) {
	r1, r2, r3 := newAdminReplica(t, "r1", 200), newAdminReplica(t, "r2", 200), newAdminReplica(t, "r3", 200)
	b := New([]string{r1.addr(), r2.addr(), r3.addr()})
	lb := httptest.NewServer(b)
	defer lb.Close()

	status, body := do(t, http.MethodPut, lb.URL+"/admin/faults", `{"consumers_paused":true}`)
	if status != 200 || !strings.Contains(body, `"replica":"r1"`) {
		t.Fatalf("PUT /admin/faults: %d %s, want 200 with the first replica's answer", status, body)
	}
	for i, r := range []*adminReplica{r1, r2, r3} {
		if r.count() != 1 || r.writes[0] != `{"consumers_paused":true}` {
			t.Errorf("replica %d got writes %q, want the one body once", i+1, r.writes)
		}
	}
	// Reads and the service's own API go to one replica, as before.
	do(t, http.MethodGet, lb.URL+"/admin/faults", "")
	do(t, http.MethodPost, lb.URL+"/orders", `{}`)
	if n := r1.count() + r2.count() + r3.count(); n != 4 {
		t.Errorf("writes after a GET and a POST /orders = %d, want 4 (3 broadcast + 1 routed)", n)
	}
	for _, be := range b.Backends() {
		if be.InFlight != 0 {
			t.Errorf("%s: %d in flight after the broadcast, want 0", be.Addr, be.InFlight)
		}
	}
}

func TestAdminWriteNamesTheReplicasItDidNotReach(t *testing.T) {
	ok, refusing := newAdminReplica(t, "ok", 200), newAdminReplica(t, "refusing", 500)
	gone := newAdminReplica(t, "gone", 200)
	goneAddr := gone.addr()
	gone.srv.Close()
	lb := httptest.NewServer(New([]string{ok.addr(), refusing.addr(), goneAddr}))
	defer lb.Close()

	status, body := do(t, http.MethodPut, lb.URL+"/admin/faults", `{}`)
	if status != http.StatusBadGateway {
		t.Fatalf("status = %d, want 502 when a replica was not reached: %s", status, body)
	}
	for _, want := range []string{"reached 1 of 3 replicas", refusing.addr() + " answered 500", goneAddr + " answered 502"} {
		if !strings.Contains(body, want) {
			t.Errorf("answer %s does not say %q", body, want)
		}
	}
	if ok.count() != 1 {
		t.Errorf("the reachable replica got %d writes, want 1", ok.count())
	}
}
