package stack

import (
	"fmt"
	"strings"
)

// RuntimeKind names how a stack runs (a --runtime value): each runtime's
// package declares its own ("native", "docker").
type RuntimeKind string

// RuntimeAuto lets the one rule (choose) pick the runtime.
const RuntimeAuto RuntimeKind = "auto"

// ParseRuntime checks a --runtime / RUNTIME value against the known kinds.
func ParseRuntime(s string, known ...RuntimeKind) (RuntimeKind, error) {
	r := RuntimeKind(strings.TrimSpace(s))
	if r == "" || r == RuntimeAuto {
		return RuntimeAuto, nil
	}
	names := make([]string, len(known))
	for i, k := range known {
		if k == r {
			return r, nil
		}
		names[i] = string(k)
	}
	return "", fmt.Errorf("runtime %q: use %s or auto", s, strings.Join(names, ", "))
}
