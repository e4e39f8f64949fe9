package native

import (
	"context"
	"fmt"

	"github.com/orderflow/flowctl/internal/stackmode"
)

// This build runs one replica of each service. Lane rn (native) and lane
// rd (Docker) of issue 22 bring N replicas and replace this file: delete
// it when they merge.

// Replicas is 1: one replica of each service runs here.
func (r *Runtime) Replicas(_ context.Context, _ stackmode.Mode, _ string) (int, error) { return 1, nil }

// Scale accepts n = 1 (what runs) and refuses more.
func (r *Runtime) Scale(_ context.Context, mode stackmode.Mode, svc string, n int) error {
	if n == 1 {
		return nil
	}
	return fmt.Errorf("scale %s of the %s stack to %d: this flowctl runs one replica per service on the %s runtime; use a build with issue 22's replicas", svc, mode, n, r.Runtime())
}
