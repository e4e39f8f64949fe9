package balancer

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// countsAfter sends requests through a balancer over a (stopped when
// stopA) and b, then one with no replica left, and reads the counts
// through the control API.
func countsAfter(t *testing.T, stopA bool) Counts {
	t.Helper()
	a, b := newReplica(t, "a"), newReplica(t, "b")
	bal := New([]string{a.addr(), b.addr()})
	lb := httptest.NewServer(bal)
	defer lb.Close()
	ctl := httptest.NewServer(bal.ControlHandler())
	defer ctl.Close()
	if stopA {
		a.srv.Close()
	}
	for range 4 {
		if code, _ := get(t, lb.URL+"/x"); code != http.StatusOK {
			t.Fatalf("a request failed with b up: %d", code)
		}
	}
	c := Client{Addr: strings.TrimPrefix(ctl.URL, "http://")}
	if err := c.Set(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if code, _ := get(t, lb.URL+"/x"); code != http.StatusServiceUnavailable {
		t.Fatalf("no replica: %d, want 503", code)
	}
	got, err := c.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// A replica that stopped costs one refused connection and one retry (it
// then leaves the rotation); a request with no replica is a failure.
func TestCountsRetriedRefusedFailed(t *testing.T) {
	if got := countsAfter(t, true); got != (Counts{Retried: 1, Refused: 1, Failed: 1}) {
		t.Errorf("counts %+v, want 1 retried, 1 refused, 1 failed", got)
	}
}

// The check above can fail: with both replicas up nothing is retried.
func TestCountsNoRetryWithEveryReplicaUp(t *testing.T) {
	if got := countsAfter(t, false); got.Retried != 0 || got.Refused != 0 || got.Failed != 1 {
		t.Errorf("counts %+v, want only the one failure", got)
	}
}
