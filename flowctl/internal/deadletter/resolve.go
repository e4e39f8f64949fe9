package deadletter

import (
	"fmt"
	"slices"
	"strings"

	"github.com/orderflow/flowctl/internal/kafkalog"
)

// ResolveIDs turns each --event-id into the full event id of a dead letter
// in entries: an exact id, or a prefix only one dead letter's id starts
// with (scenarios and `dlq list` print short ids). A prefix several ids
// share is refused, listing them; one no id starts with is kept as given,
// for the redrive's "no dead letter has event id …".
func ResolveIDs(ids []string, entries []kafkalog.DLQEntry) ([]string, error) {
	var known []string
	for _, e := range entries {
		if e.EventID != "" && !slices.Contains(known, e.EventID) {
			known = append(known, e.EventID)
		}
	}
	slices.Sort(known)
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		id = strings.TrimSpace(id)
		if id == "" || slices.Contains(known, id) {
			out = append(out, id)
			continue
		}
		var matches []string
		for _, k := range known {
			if strings.HasPrefix(k, id) {
				matches = append(matches, k)
			}
		}
		switch len(matches) {
		case 0:
			out = append(out, id)
		case 1:
			out = append(out, matches[0])
		default:
			return nil, fmt.Errorf("--event-id %s is the start of %d dead letters' ids (%s): give more of it", id, len(matches), strings.Join(matches, ", "))
		}
	}
	return out, nil
}
