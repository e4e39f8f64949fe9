package gen

import (
	"testing"

	"github.com/orderflow/platform/gencheck"
)

func TestGeneratedCodeMatchesSpec(t *testing.T) {
	gencheck.OAPICodegen(t, ".", "api.gen.go")
}
