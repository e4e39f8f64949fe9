package deadletter

import (
	"slices"
	"testing"

	"github.com/orderflow/flowctl/internal/kafkalog"
)

func TestResolveIDsTakesAUniquePrefix(t *testing.T) {
	entries := []kafkalog.DLQEntry{
		{EventID: "6f1c2a90-0000-4000-8000-000000000001"},
		{EventID: "6f1c2a90-0000-4000-8000-000000000001"}, // dead-lettered twice: one id
		{EventID: "6f1d0000-0000-4000-8000-000000000002"},
		{EventID: "7a000000-0000-4000-8000-000000000003"},
	}
	got, err := ResolveIDs([]string{"6f1c", "7a000000-0000-4000-8000-000000000003", "ffff"}, entries)
	want := []string{"6f1c2a90-0000-4000-8000-000000000001", "7a000000-0000-4000-8000-000000000003", "ffff"}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("ResolveIDs = %v, %v; want %v", got, err, want)
	}
	_, err = ResolveIDs([]string{"6f1"}, entries)
	if want := "--event-id 6f1 is the start of 2 dead letters' ids (6f1c2a90-0000-4000-8000-000000000001, 6f1d0000-0000-4000-8000-000000000002): give more of it"; err == nil || err.Error() != want {
		t.Errorf("ambiguous prefix: %v", err)
	}
}
