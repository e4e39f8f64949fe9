package report

import (
	"bytes"
	"strings"

	"github.com/orderflow/flowctl/internal/investigate"
)

// WaterfallLines draws with Waterfall into lines, for a scenario's details
// (scenario.Setup.RenderTrace).
func WaterfallLines(width int, color bool) func(investigate.Investigation) []string {
	return func(inv investigate.Investigation) []string {
		var b bytes.Buffer
		Waterfall(&b, inv, width, color)
		return strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	}
}
