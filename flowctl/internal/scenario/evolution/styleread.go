package evolution

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/orderflow/platform/events"

	"github.com/orderflow/flowctl/internal/kafkalog"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/flowctl/internal/stats"
)

// A late reader in orchestration: the facts a newcomer is meant to read are
// few (OrderPlaced and OrderCancelled on orders.v1, stock movements on
// inventory.v1); the reservation and the invoice travel only as replies on
// order-svc's reply channel, which the orchestrator owns and may change with
// its table. The reader reads both and counts what the fact topics alone
// gave it, so the verdict says what it had to lean on.

// privateTopics are the orchestrated saga's own channels (unprefixed):
// commands addressed to one participant and the replies addressed to
// order-svc.
var privateTopics = []string{events.TopicInventoryCommands, events.TopicInvoicingCommands, events.TopicFraudCommands, events.TopicSagaReplies}

// factTopics are l's topics that carry facts for anyone: all of them in
// choreography.
func factTopics(l kafkalog.Log) []string {
	var out []string
	for _, t := range l.Topics() {
		if !slices.Contains(privateTopics, strings.TrimPrefix(t, l.Prefix)) {
			out = append(out, t)
		}
	}
	return out
}

// stepsOf are the steps of each order a read model holds.
func stepsOf(model *kit.ReadModel) map[string]steps {
	seen := make(map[string]steps, len(model.Orders))
	for id, h := range model.Orders {
		s := steps{}
		for st, at := range map[string]time.Time{stepPlaced: h.Placed, stepReserved: h.Reserved, stepRejected: h.Rejected, stepInvoiced: h.Invoiced} {
			if !at.IsZero() {
				s[st] = true
			}
		}
		seen[id] = s
	}
	return seen
}

// onPrivate says the reader leaned on the orchestrator's channels: some
// topics it read carry no facts for others.
func (l lateRead) onPrivate() bool { return len(l.FactTopics) < len(l.Topics) }

// readerLine is the verdict's opening for an events stack: what the reader
// read and, in orchestration, how much of the past the fact topics alone
// held.
func readerLine(m stackmode.Mode, l lateRead) string {
	line := fmt.Sprintf("%s: a late reader read the stack's %d topics from where they ended before the batch, with a new consumer group", m, len(l.Topics))
	if !l.onPrivate() {
		return line
	}
	return line + fmt.Sprintf(" — the fact topics alone (%s) held %.0f%% of the steps (%s: placements, no reservation or invoice); the rest it read off order-svc's reply channel and commands, the orchestrator's own protocol, so this reader is coupled to order-svc's table though the producer was not touched",
		strings.Join(l.FactTopics, ", "), stats.Share(l.FactSeen, l.Expected), stats.Of(l.FactSeen, l.Expected, "steps"))
}
