package kit

import (
	"github.com/orderflow/flowctl/internal/kafkalog"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// Log is m's part of the broker: its topics by saga style under its own
// prefix (the orchestrated stack's commands and replies under "orch."), so a
// scenario that reads the log reads the stack it runs on.
func (e *Env) Log(m stackmode.Mode) kafkalog.Log { return kafkalog.LogOf(m, e.TopicPrefix) }
