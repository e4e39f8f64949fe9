package scenario

import (
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// The kit's types under the names flowctl's commands, the dashboard and the
// reports know them by.
type (
	Scenario  = kit.Def
	Env       = kit.Env
	Target    = kit.Target
	Size      = kit.Size
	Control   = kit.Control
	Outcome   = kit.Outcome
	Metric    = kit.Metric
	MetricKey = kit.MetricKey
	Run       = kit.Run
	Report    = kit.Report
)

// DefaultSize is a workshop run (kit.DefaultSize).
var DefaultSize = kit.DefaultSize

// NewTarget builds the clients of a stack (kit.NewTarget).
func NewTarget(mode stackmode.Mode, urls map[string]string, adminToken string) Target {
	return kit.NewTarget(mode, urls, adminToken)
}
