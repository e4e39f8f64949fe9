package poison

import (
	"slices"
	"testing"
	"time"
)

func TestPartitionWaits(t *testing.T) {
	t0 := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	evs := []reservedEvent{
		{OrderID: "b", Partition: 0, Offset: 11, At: at(10)},
		{OrderID: "a", Partition: 0, Offset: 10, At: at(0)},
		{OrderID: "c", Partition: 1, Offset: 4, At: at(5)},
		{OrderID: "d", Partition: 0, Offset: 12, At: at(20)},
	}
	tests := []struct {
		name     string
		invoiced map[string]time.Time
		want     []partitionWait
	}{
		{"orders behind a retried head wait until it goes through",
			map[string]time.Time{"a": at(3000), "b": at(3001), "c": at(3000), "d": at(3002)},
			[]partitionWait{{Partition: 0, Head: "a", Behind: 2, MaxWait: 3000 * time.Millisecond}, {Partition: 1, Head: "c", MaxWait: 2995 * time.Millisecond}}},
		{"nothing retried: nobody waits long",
			map[string]time.Time{"a": at(2), "b": at(12), "c": at(7), "d": at(22)},
			[]partitionWait{{Partition: 0, Head: "a", Behind: 2, MaxWait: 2 * time.Millisecond}, {Partition: 1, Head: "c", MaxWait: 2 * time.Millisecond}}},
		{"an order never invoiced is left out", map[string]time.Time{"b": at(50)},
			[]partitionWait{{Partition: 0, Head: "b", MaxWait: 40 * time.Millisecond}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := partitionWaits(evs, tc.invoiced); !slices.Equal(got, tc.want) {
				t.Errorf("partitionWaits = %+v, want %+v", got, tc.want)
			}
		})
	}
}
