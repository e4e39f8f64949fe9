package dashboard

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/api"
	oapi "github.com/orderflow/flowctl/internal/api/client"
	"github.com/orderflow/flowctl/internal/load"
)

// flakyOrders answers an order's reads from a script: an error, then the
// statuses given, the last one repeated.
type flakyOrders struct {
	mu     sync.Mutex
	script []string
	reads  int
}

func (f *flakyOrders) Get(_ context.Context, id string) (api.Order, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads++
	s := f.script[min(f.reads-1, len(f.script)-1)]
	if s == "error" {
		return api.Order{}, errors.New("connection refused")
	}
	return api.Order{ID: id, Status: oapi.OrderStatus(s), Final: s == "CONFIRMED", Timeline: []api.Step{{Step: "placed"}}}, nil
}

// A read that fails (order-svc stopped on purpose) keeps the order followed;
// it is published again once it changes, and no longer read once final.
func TestTrackerFollowsThroughErrorsUntilFinal(t *testing.T) {
	src := &flakyOrders{script: []string{"error", "PENDING", "CONFIRMED"}}
	var mu sync.Mutex
	var got []string
	tr := newTracker("events", src, func(v OrderView) { mu.Lock(); got = append(got, v.Status); mu.Unlock() })
	tr.maxGetsPerSec = 1000
	tr.add(load.Placed{HTTPStatus: 202, PlacementMS: 1, At: time.Now(), Order: api.Order{ID: "o-1", Status: "PENDING", Timeline: []api.Step{{Step: "placed"}}}})
	go tr.run(testContext(t))
	deadline := time.Now().Add(5 * time.Second)
	for {
		if v, _ := tr.lookup("o-1"); v.Final || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	src.mu.Lock()
	reads := src.reads
	src.mu.Unlock()
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 || got[0] != "PENDING" || got[1] != "CONFIRMED" || reads != 3 {
		t.Errorf("published %v after %d reads; want PENDING, CONFIRMED after 3", got, reads)
	}
}

// An order not final within followFor is given up, and the page told so.
func TestTrackerGivesUpAfterFollowFor(t *testing.T) {
	src := &flakyOrders{script: []string{"PENDING"}}
	var mu sync.Mutex
	var last OrderView
	tr := newTracker("events", src, func(v OrderView) { mu.Lock(); last = v; mu.Unlock() })
	tr.maxGetsPerSec, tr.followFor = 1000, 100*time.Millisecond
	tr.add(load.Placed{HTTPStatus: 202, At: time.Now(), Order: api.Order{ID: "o-2", Status: "PENDING"}})
	go tr.run(testContext(t))
	time.Sleep(400 * time.Millisecond)
	mu.Lock()
	if last.Followed || last.Final || last.Status != "PENDING" {
		t.Errorf("last published %+v: want PENDING and no longer followed", last)
	}
	mu.Unlock()
	// A placement order-svc never answered is a row that is not followed.
	v := tr.add(load.Placed{At: time.Now(), Err: "connection refused"})
	if v.Status != "NOT PLACED" || v.Error == "" || v.Followed {
		t.Errorf("unanswered placement: %+v", v)
	}
}
