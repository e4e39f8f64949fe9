package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// faultServer is one replica's /admin/faults: it keeps what was PUT.
func faultServer(t *testing.T) (*httptest.Server, *Faults) {
	t.Helper()
	f := &Faults{Latency: "0s"}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodPut:
			_ = json.NewDecoder(r.Body).Decode(f)
		case http.MethodDelete:
			*f = Faults{Latency: "0s"}
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(f)
	}))
	t.Cleanup(srv.Close)
	return srv, f
}

// A write reaches every replica the list names at the time of the call:
// one added between two calls gets the second.
func TestAdminWritesEveryReplica(t *testing.T) {
	ctx := context.Background()
	var list []Replica
	var held []*Faults
	add := func() {
		srv, f := faultServer(t)
		list = append(list, Replica{Name: fmt.Sprintf("svc#%d", len(list)+1), Base: srv.URL})
		held = append(held, f)
	}
	add()
	add()
	a := NewAdmin("http://unused.invalid", "svc", "tok", nil).EachReplica(func(context.Context) ([]Replica, error) { return list, nil })
	_, reach, err := a.Set(ctx, Faults{ErrorRate: 0.3})
	if err != nil || reach.Of != 2 || len(reach.Got) != 2 {
		t.Fatalf("Set: %v, reach %v", err, reach)
	}
	for i, f := range held {
		if f.ErrorRate != 0.3 {
			t.Errorf("replica %d has %+v, want error rate 0.3", i+1, *f)
		}
	}
	add() // a scale-out between calls
	if _, reach, err = a.Set(ctx, Faults{Latency: "300ms"}); err != nil || reach.String() != "3 of 3 replicas" {
		t.Fatalf("Set after a scale-out: %v, reach %q", err, reach)
	}
	if held[2].Latency != "300ms" {
		t.Errorf("the replica added has %+v: the write did not list the replicas anew", *held[2])
	}
	if _, err := a.Clear(ctx); err != nil || held[0].Latency != "0s" || held[2].Latency != "0s" {
		t.Errorf("Clear: %v, %+v %+v", err, *held[0], *held[2])
	}
}

// A replica that fails is named, and the error says how many of N got it.
func TestAdminNamesTheReplicaThatFailed(t *testing.T) {
	srv, _ := faultServer(t)
	gone := httptest.NewServer(http.NotFoundHandler())
	goneURL := gone.URL
	gone.Close()
	list := []Replica{{Name: "svc#1", Base: srv.URL}, {Name: "svc#2", Base: goneURL}, {Name: "svc#3", Base: srv.URL}}
	a := NewAdmin("http://unused.invalid", "svc", "tok", nil).EachReplica(func(context.Context) ([]Replica, error) { return list, nil })
	_, _, err := a.Set(context.Background(), Faults{ErrorRate: 1})
	re, ok := errors.AsType[*ReplicaError](err)
	if !ok || len(re.Failed) != 1 || re.Failed["svc#2"] == nil {
		t.Fatalf("err %v, want a *ReplicaError naming svc#2", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "reached 2 of 3 replicas") || !strings.Contains(msg, "svc#2: PUT") {
		t.Errorf("error %q: want how many of N and the replica that failed", msg)
	}
}

// Replicas that run with different faults are said to disagree, each named.
func TestAdminGetSaysWhenReplicasDisagree(t *testing.T) {
	s1, _ := faultServer(t)
	s2, f2 := faultServer(t)
	list := []Replica{{Name: "svc#1", Base: s1.URL}, {Name: "svc#2", Base: s2.URL}}
	a := NewAdmin("http://unused.invalid", "svc", "tok", nil).EachReplica(func(context.Context) ([]Replica, error) { return list, nil })
	if _, err := a.GetFaults(context.Background()); err != nil {
		t.Fatalf("agreeing replicas: %v", err)
	}
	f2.Latency = "300ms"
	_, err := a.GetFaults(context.Background())
	de, ok := errors.AsType[*DisagreeError](err)
	if !ok || len(de.By) != 2 || !strings.Contains(err.Error(), "svc#1: none; svc#2: latency 300ms") {
		t.Errorf("err %v, want a *DisagreeError naming each replica's faults", err)
	}
}

// A runtime that cannot list the replicas: the one URL, and the reach says
// one replica of an unknown number.
func TestAdminOneReplicaOfAnUnknownNumber(t *testing.T) {
	srv, f := faultServer(t)
	a := NewAdmin(srv.URL, "svc", "tok", nil).EachReplica(func(context.Context) ([]Replica, error) {
		return nil, fmt.Errorf("%w: through an ingress", ErrReplicasUnknown)
	})
	_, reach, err := a.Set(context.Background(), Faults{ErrorRate: 0.5})
	if err != nil || f.ErrorRate != 0.5 {
		t.Fatalf("Set: %v, %+v", err, *f)
	}
	if got := reach.String(); got != "1 replica of an unknown number (through an ingress)" {
		t.Errorf("reach %q", got)
	}
	b := NewAdmin(srv.URL, "svc", "tok", nil).EachReplica(func(context.Context) ([]Replica, error) { return nil, errors.New("no runtime") })
	if _, err := b.GetFaults(context.Background()); err == nil || !strings.Contains(err.Error(), "list its replicas") {
		t.Errorf("a listing that fails: %v, want it said", err)
	}
}
