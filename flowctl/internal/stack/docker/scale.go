package docker

import (
	"context"
	"fmt"

	"github.com/orderflow/flowctl/internal/stackmode"
)

// Scale is not there yet on Docker (compose's --scale is lane rd's work).
func (r *Runtime) Scale(_ context.Context, m stackmode.Mode, svc string, n int) error {
	if n == 1 {
		return nil
	}
	return fmt.Errorf("scale %s (%s) to %d: replicas on Docker are not there yet; run the stack natively (`flowctl --runtime native up --mode %s --replicas %s=%d`)", svc, m, n, m, svc, n)
}

// Replicas is 1: the Docker runtime runs one container per service so far.
func (r *Runtime) Replicas(ctx context.Context, m stackmode.Mode, svc string) (int, error) {
	return 1, nil
}
