package stack

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// scalingRuntime runs replicas as test servers that keep their faults and
// count the PUTs they got; Scale adds replicas, empty of faults.
type scalingRuntime struct {
	Unimplemented
	t        *testing.T
	mu       sync.Mutex
	replicas []*fakeReplica
}

type fakeReplica struct {
	srv    *httptest.Server
	faults api.Faults
	puts   int
}

func (r *scalingRuntime) add() {
	rep := &fakeReplica{faults: api.Faults{Latency: "0s"}}
	rep.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		defer r.mu.Unlock()
		if req.Method == http.MethodPut {
			rep.puts++
			_ = json.NewDecoder(req.Body).Decode(&rep.faults)
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(rep.faults)
	}))
	r.t.Cleanup(rep.srv.Close)
	r.replicas = append(r.replicas, rep)
}

func (r *scalingRuntime) ReplicaEndpoints(context.Context, stackmode.Mode, string) ([]api.Replica, error) {
	var out []api.Replica
	for i, rep := range r.replicas {
		out = append(out, api.Replica{Name: fmt.Sprintf("inventory-svc#%d", i+1), Base: rep.srv.URL})
	}
	return out, nil
}

func (r *scalingRuntime) Scale(_ context.Context, _ stackmode.Mode, _ string, n int) error {
	for len(r.replicas) < n {
		r.add()
	}
	return nil
}

// The replicas a scale-out adds take the service's faults (not the crash,
// armed once); the replicas that ran keep theirs untouched.
func TestScaleOutHandsTheFaultsOn(t *testing.T) {
	inner := &scalingRuntime{t: t}
	inner.add()
	inner.replicas[0].faults = api.Faults{Latency: "300ms", ErrorRate: 0.2, CrashAfterCommit: 5}
	rt := faultsFollowScale{runtime: inner, token: func() (string, error) { return "tok", nil }}
	if err := rt.Scale(context.Background(), stackmode.Events, "inventory-svc", 3); err != nil {
		t.Fatal(err)
	}
	for i, rep := range inner.replicas[1:] {
		if rep.faults.Latency != "300ms" || rep.faults.ErrorRate != 0.2 || rep.faults.CrashAfterCommit != 0 {
			t.Errorf("replica %d added has %+v, want latency 300ms, error rate 0.2, no crash", i+2, rep.faults)
		}
	}
	if inner.replicas[0].puts != 0 {
		t.Errorf("the replica that ran got %d PUTs, want none (its crash counter stays)", inner.replicas[0].puts)
	}
	// No faults: nothing is written.
	quiet := &scalingRuntime{t: t}
	quiet.add()
	rt.runtime = quiet
	if err := rt.Scale(context.Background(), stackmode.Events, "inventory-svc", 2); err != nil || quiet.replicas[1].puts != 0 {
		t.Errorf("no faults to hand on: %v, %d PUTs", err, quiet.replicas[1].puts)
	}
}
