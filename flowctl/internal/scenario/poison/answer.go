package poison

import (
	"github.com/orderflow/flowctl/internal/scenario/kit"
)

// saysDelay answers the delayed-message question in words: where a message
// no consumer can handle ends up, and how fast; in sync, that the request
// never became a message.
func saysDelay(o kit.Outcome) string {
	if status, ok := o.Count(RefusedStatus); ok {
		return "no message to hold: the malformed request was refused at the door (" + kit.FormatValue(float64(status), string(kit.UnitHTTPStatus)) + ")"
	}
	letters, okL := o.Count(DeadLetters)
	after, okA := o.Ms(DLQAfter)
	if !okL || !okA {
		return ""
	}
	return "the malformed event was set aside " + after + " after it was published (" + kit.Counted(letters, "dead letter") + "); the consumers went on"
}
