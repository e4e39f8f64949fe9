package api

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
)

// Knobs is a service's GET /admin/knobs answer: the concurrency settings it
// runs with (HTTP_MAX_IN_FLIGHT, HTTP_CLIENT_MAX_CONNS, KAFKA_PARTITIONS, …).
type Knobs struct {
	Service string         `json:"service"`
	Mode    string         `json:"mode"`
	Knobs   map[string]any `json:"knobs"`
}

// GetKnobs asks a service for its knobs.
func GetKnobs(ctx context.Context, base string, hc *http.Client) (Knobs, error) {
	var k Knobs
	_, err := newClient(base, hc).do(ctx, http.MethodGet, "/admin/knobs", nil, &k)
	return k, err
}

// String lists the knobs as NAME=value in name order, as a line of output.
func (k Knobs) String() string {
	parts := make([]string, 0, len(k.Knobs))
	for _, name := range slices.Sorted(maps.Keys(k.Knobs)) {
		parts = append(parts, fmt.Sprintf("%s=%v", name, k.Knobs[name]))
	}
	return strings.Join(parts, " ")
}
