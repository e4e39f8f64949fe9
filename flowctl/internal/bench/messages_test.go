package bench

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/kafkalog"
)

// TestProduced counts records appended between two readings of end offsets:
// per partition after minus before; a topic or partition created in between
// counts from 0; a topic that vanished (wiped) counts nothing, never less.
func TestProduced(t *testing.T) {
	before := kafkalog.Offsets{
		"orch.orders.v1":      {0: 10, 1: 4},
		"orch.replies.v1":     {0: 7},
		"orch.gone.v1":        {0: 100},
		"orch.recreated.v1":   {0: 50},
		"orch.not-created.v1": {},
	}
	after := kafkalog.Offsets{
		"orch.orders.v1":      {0: 13, 1: 6, 2: 1}, // 3 + 2 + a new partition's 1
		"orch.replies.v1":     {0: 7},              // nothing
		"orch.recreated.v1":   {0: 2},              // deleted and created again: not -48
		"orch.not-created.v1": {0: 5, 1: 4},        // created in the window: 9
	}
	if n := produced(before, after); n != 15 {
		t.Errorf("produced = %d, want 15", n)
	}
	if n := produced(nil, after); n != 38 {
		t.Errorf("produced from nothing = %d, want every record (38)", n)
	}
}

// fakeStack is a stack's counters as a script: each reading returns the
// next offsets and call count, the last one forever.
type fakeStack struct {
	records []int64
	calls   []int64
	reads   int
}

func (f *fakeStack) counter() *MessageCounter {
	at := func(xs []int64) int64 { return xs[min(f.reads, len(xs)-1)] }
	return &MessageCounter{
		Topics: []string{"t"},
		Ends: func(_ context.Context, topics []string) (kafkalog.Offsets, error) {
			return kafkalog.Offsets{topics[0]: {0: at(f.records)}}, nil
		},
		Calls: func(context.Context) (int64, error) {
			n := at(f.calls)
			f.reads++ // Calls is read after Ends: one reading done
			return n, nil
		},
	}
}

// TestSettleWaitsForQuiet: the window closes only once two readings agree,
// so a relay's last event after the last order turned final is counted.
func TestSettleWaitsForQuiet(t *testing.T) {
	f := &fakeStack{records: []int64{10, 14, 16, 16}, calls: []int64{0, 0, 0, 3, 3}}
	got, err := f.counter().settle(t.Context(), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if r, c := countSince(tally{ends: kafkalog.Offsets{"t": {0: 10}}}, got); r != 6 || c != 3 || f.reads != 5 {
		t.Errorf("settled after %d readings at %d records, %d calls since the first; want 5 readings, 6 and 3", f.reads, r, c)
	}
	// A stack that never goes quiet: the limit closes the window.
	f = &fakeStack{records: []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, calls: []int64{0}}
	if _, err := f.counter().settle(t.Context(), 3*quietEvery/2); err != nil || f.reads > 4 {
		t.Errorf("a busy stack read %d times within 1.5 polls (%v)", f.reads, err)
	}
}

// TestMessagesText: the per-order figure with n, both counts and the
// window; a stack without topics shows only its calls, and no final order
// is no figure.
func TestMessagesText(t *testing.T) {
	tests := []struct {
		m    Messages
		want string
	}{
		{Messages{Orders: 100, Records: 512, Topics: 9, WindowMS: 5300},
			"5.12 messages/order (n=100 orders; 512 records on 9 topics + 0 HTTP calls between services in 5.30 s)"},
		{Messages{Orders: 40, HTTPCalls: 80, WindowMS: 420},
			"2.00 messages/order (n=40 orders; 80 HTTP calls between services in 420 ms)"},
		{Messages{Records: 3, Topics: 9, WindowMS: 1000},
			"not measured: no order became final in the 1.00 s window (3 records on 9 topics + 0 HTTP calls between services)"},
	}
	for _, tt := range tests {
		if got := MessagesText(tt.m); got != tt.want {
			t.Errorf("MessagesText(%+v)\n got %q\nwant %q", tt.m, got, tt.want)
		}
	}
	if !strings.Contains(MessagesText(Messages{Orders: 3, Records: 1, Topics: 1}), "0.33") {
		t.Error("a fraction of a message per order is not rounded away")
	}
}
