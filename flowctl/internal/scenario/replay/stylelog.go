package replay

import (
	"fmt"
	"strings"

	"github.com/orderflow/platform/events"

	"github.com/orderflow/flowctl/internal/stackmode"
)

// trailWant is how many messages a confirmed order leaves in its stack's log
// (docs/architecture.md §10, "messages per order"): choreography's three
// facts; orchestration's OrderPlaced, two commands and their two replies.
func trailWant(m stackmode.Mode) int {
	if m == stackmode.Orchestration {
		return 5
	}
	return 3
}

// logHolds says what the stack's log holds, so the verdict names where the
// facts were read: in orchestration a late reader gets them from the
// orchestrator's reply channel, and the commands are requests, not facts.
func logHolds(m stackmode.Mode, topics []string, commands int) string {
	if m != stackmode.Orchestration {
		return fmt.Sprintf("its %d topics (%s)", len(topics), strings.Join(topics, ", "))
	}
	return fmt.Sprintf("its %d topics (%s; %d of them commands, which say what order-svc asked; the facts are %s and %s on %s and the participants' replies on %s)",
		len(topics), strings.Join(topics, ", "), commands,
		events.TypeOrderPlaced, events.TypeOrderCancelled, events.TopicOrders, events.TopicSagaReplies)
}
