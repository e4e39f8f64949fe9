package replay

import (
	"slices"
	"testing"

	oapi "github.com/orderflow/flowctl/internal/api/client"

	"github.com/orderflow/flowctl/internal/api"
)

func TestKeptSteps(t *testing.T) {
	step := func(s string) api.Step { return api.Step{Step: oapi.TimelineStepStep(s)} }
	tests := []struct {
		name string
		tl   []api.Step
		want []string
	}{
		{"a confirmed order keeps every step", []api.Step{step("placed"), step("reserved"), step("invoiced"), step("confirmed")}, historySteps},
		{"a rejected order keeps two", []api.Step{step("placed"), step("rejected")}, []string{"placed"}},
		{"nothing kept", nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := keptSteps(tc.tl); !slices.Equal(got, tc.want) {
				t.Errorf("keptSteps = %v, want %v", got, tc.want)
			}
		})
	}
}
