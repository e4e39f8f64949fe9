package kafkabus

import (
	"errors"
	"testing"

	"github.com/segmentio/kafka-go"
)

// Each message's span gets its own error from a batch's WriteErrors (one per
// message, nil for a message written), not the whole list; any other error
// is every message's.
func TestMessageError(t *testing.T) {
	refused := errors.New("dial tcp 127.0.0.1:9092: connect: connection refused")
	batch := kafka.WriteErrors{nil, refused, refused}
	if got := messageError(batch, 0, 3); got != nil {
		t.Errorf("message 0 was written, got %v", got)
	}
	if got := messageError(batch, 1, 3); got != refused {
		t.Errorf("message 1: %v, want its own error", got)
	}
	other := errors.New("context deadline exceeded")
	if got := messageError(other, 2, 3); got != other {
		t.Errorf("a batch-wide error: %v", got)
	}
	if got := messageError(nil, 0, 1); got != nil {
		t.Errorf("no error: %v", got)
	}
}
