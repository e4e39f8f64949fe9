package consume_test

import (
	"context"
	"errors"
	"testing"

	"github.com/segmentio/kafka-go"

	"github.com/orderflow/platform/consume"
	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/kafkabus"
)

// TestDecode: every message reaches the handler, decoded; one that is not a
// valid event is marked Invalid with an error wrapping events.ErrInvalid.
func TestDecode(t *testing.T) {
	unknown := placedMessage(t, 3)
	unknown.Value = []byte(`{"id":"9d0f0e1c-0000-4000-8000-000000000001","type":"OrderTeleported","schema_version":1,"occurred_at":"2025-11-03T09:00:00Z","order_id":"x","payload":{}}`)
	tests := []struct {
		name        string
		msg         kafka.Message
		wantType    string
		wantInvalid bool
	}{
		{name: "an event decodes", msg: placedMessage(t, 1), wantType: events.TypeOrderPlaced},
		{name: "junk is invalid", msg: poisonMessage(2), wantInvalid: true},
		{name: "an unknown type is invalid", msg: unknown, wantInvalid: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []*kafkabus.Delivery
			h := func(_ context.Context, batch []*kafkabus.Delivery) error { got = batch; return nil }
			if err := consume.Decode(h)(context.Background(), fetched(tt.msg)); err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 {
				t.Fatalf("handler got %d messages, want the one", len(got))
			}
			d := got[0]
			if tt.wantInvalid {
				if !errors.Is(d.Invalid, events.ErrInvalid) {
					t.Fatalf("Invalid = %v, want an error wrapping events.ErrInvalid", d.Invalid)
				}
				return
			}
			if d.Invalid != nil || d.Env.Type != tt.wantType || d.Payload == nil {
				t.Fatalf("decoded %q, payload %T, invalid %v; want %s", d.Env.Type, d.Payload, d.Invalid, tt.wantType)
			}
		})
	}
}
