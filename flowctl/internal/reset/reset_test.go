package reset

import (
	"context"
	"slices"
	"testing"

	"github.com/orderflow/platform/config"
)

// recorder is a Runtime that notes what reset asked of it.
type recorder struct{ calls []string }

func (r *recorder) Runtime() string { return "fake" }
func (r *recorder) StopService(_ context.Context, _ config.Mode, svc string) error {
	r.calls = append(r.calls, "stop "+svc)
	return nil
}
func (r *recorder) WipeService(_ context.Context, _ config.Mode, svc string) error {
	r.calls = append(r.calls, "wipe "+svc)
	return nil
}
func (r *recorder) StartFresh(_ context.Context, _ config.Mode, svc string) error {
	r.calls = append(r.calls, "start "+svc)
	return nil
}

// A sync order-svc becomes ready only once its downstreams answer, so reset
// must start them before it (it waits for each to be ready).
func TestRunStartsDownstreamsFirst(t *testing.T) {
	tests := []struct {
		name    string
		running []string
		want    []string
	}{
		{"all running", []string{"order-svc", "inventory-svc", "invoicing-svc"},
			[]string{"stop order-svc", "stop inventory-svc", "stop invoicing-svc", "wipe order-svc", "wipe inventory-svc", "wipe invoicing-svc",
				"start invoicing-svc", "start inventory-svc", "start order-svc"}},
		{"inventory was down", []string{"order-svc", "invoicing-svc"},
			[]string{"stop order-svc", "stop invoicing-svc", "wipe order-svc", "wipe inventory-svc", "wipe invoicing-svc",
				"start invoicing-svc", "start order-svc"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &recorder{}
			err := Run(context.Background(), Config{
				Modes:    []config.Mode{config.ModeSync},
				Services: []string{"order-svc", "inventory-svc", "invoicing-svc"},
				Runtime:  r,
				Running:  func(_ context.Context, _ config.Mode, svc string) bool { return slices.Contains(tt.running, svc) },
			})
			if err != nil || !slices.Equal(r.calls, tt.want) {
				t.Fatalf("Run = %v, calls\n%q\nwant\n%q", err, r.calls, tt.want)
			}
		})
	}
}
