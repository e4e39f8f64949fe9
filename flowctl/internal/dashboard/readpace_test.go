package dashboard

import (
	"fmt"
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/load"
)

// An order that stays PENDING is read less and less often: over 1.5 s at
// most 7 reads (25 ms, then +50, 100, 200, 400, 800 ms), where polling back
// to back at the old 200 reads/s made hundreds. Fewer reads on a slow machine
// are fine: the bound is an upper one.
func TestTrackerBacksOffAnUnchangedOrder(t *testing.T) {
	src := &flakyOrders{script: []string{"PENDING"}}
	tr := newTracker("events", src, func(OrderView) {})
	tr.add(load.Placed{HTTPStatus: 202, At: time.Now(), Order: api.Order{ID: "o-1", Status: "PENDING"}})
	go tr.run(testContext(t))
	time.Sleep(1500 * time.Millisecond)
	src.mu.Lock()
	defer src.mu.Unlock()
	if src.reads < 1 || src.reads > 7 {
		t.Errorf("%d reads of a PENDING order in 1.5 s: want 1 to 7 (backing off to one a second)", src.reads)
	}
}

// Many PENDING orders together are read within the budget: one first read
// each, then at most rereadsPerSec (20) a second on top of the 20 saved up.
// (A slow machine reads fewer: only the upper bound is the claim.)
func TestTrackerCapsReadsOfManyOrders(t *testing.T) {
	src := &flakyOrders{script: []string{"PENDING"}}
	tr := newTracker("events", src, func(OrderView) {})
	const orders = 100
	for i := range orders {
		tr.add(load.Placed{HTTPStatus: 202, At: time.Now(), Order: api.Order{ID: fmt.Sprintf("o-%d", i), Status: "PENDING"}})
	}
	go tr.run(testContext(t))
	time.Sleep(2 * time.Second)
	src.mu.Lock()
	defer src.mu.Unlock()
	// Backing off alone would read each order about 6 times in 2 s: 600.
	if limit := orders + 20 + 2*20 + 5; src.reads > limit || src.reads == 0 {
		t.Errorf("%d reads of %d PENDING orders in 2 s: want some, and at most %d in all", src.reads, orders, limit)
	}
}

func TestBackoffDoublesToASecondAndResetsOnChange(t *testing.T) {
	now := time.Now()
	var every time.Duration
	var got []time.Duration
	for range 7 {
		_, every = backoff(now, every, false)
		got = append(got, every)
	}
	want := []time.Duration{50 * time.Millisecond, 100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond, time.Second, time.Second}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("intervals %v, want %v", got, want)
	}
	if due, e := backoff(now, time.Second, true); e != 50*time.Millisecond || !due.Equal(now.Add(e)) {
		t.Errorf("after a change: every %v due %v; want 50ms from now", e, due.Sub(now))
	}
}
