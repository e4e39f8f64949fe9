package bench

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/orderflow/flowctl/internal/cores"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// replicasOf asks rt how many replicas of each of mode's services run, and
// fails when one differs from what --replicas asked: a ceiling must say
// what it was measured with.
func replicasOf(ctx context.Context, rt stack.Runtime, mode stackmode.Mode, want map[string]int) (map[string]int, error) {
	got := map[string]int{}
	for _, s := range mode.Services() {
		n, err := rt.Replicas(ctx, mode, s.Name)
		if err != nil {
			return nil, fmt.Errorf("replicas of %s (%s): %w", s.Name, mode, err)
		}
		got[s.Name] = n
		if w, ok := want[s.Name]; ok && w != n {
			return nil, fmt.Errorf("--replicas %s=%d: the %s stack runs %d on the %s runtime", s.Name, w, mode, n, rt.Runtime())
		}
	}
	return got, nil
}

// replicasText is a stack's replicas for the table: the scaled services
// with their count, "1 each" for the rest.
func replicasText(rs map[string]int) string {
	var scaled []string
	for _, svc := range slices.Sorted(maps.Keys(rs)) {
		if rs[svc] != 1 {
			scaled = append(scaled, fmt.Sprintf("%s ×%d", svc, rs[svc]))
		}
	}
	if len(scaled) == 0 {
		return "1 each"
	}
	return strings.Join(scaled, ", ") + ", the rest 1"
}

// processCount is how many service processes rs runs.
func processCount(rs map[string]int) int {
	n := 0
	for _, v := range rs {
		n += v
	}
	return n
}

// coresText is the cell beside a stack's ceiling: the cores for its
// service processes, by the rule scale-out shares (cores.Text); a baseline
// runs no service, so it has the cores alone.
func coresText(t TargetResult, n int) string {
	if len(t.Replicas) == 0 {
		if n == cores.Unknown {
			return cores.Text(n, 0, "")
		}
		return fmt.Sprintf("%d cores", n)
	}
	return cores.Text(n, processCount(t.Replicas), "service processes")
}
