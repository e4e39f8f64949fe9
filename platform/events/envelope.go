// Package events is the contract between the services: the envelope every
// Kafka message carries, the event types, their payloads and their validation.
// docs/asyncapi.yaml describes the same contract for humans.
package events

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// SchemaVersion is the envelope's schema version; consumers reject others.
const SchemaVersion = 1

// Envelope wraps every event on every topic. It names the event's subject
// in exactly one member, which is also the message key: OrderID for the
// order flow's events, SKU for stock movements (which belong to no order).
type Envelope struct {
	ID            string    `json:"id"`
	Type          string    `json:"type"`
	SchemaVersion int       `json:"schema_version"`
	OccurredAt    time.Time `json:"occurred_at"`
	OrderID       string    `json:"order_id,omitempty"`
	SKU           string    `json:"sku,omitempty"`
	// ReplyTo is set on a reply of the orchestrated saga: the id of the
	// command it answers (empty on every other event).
	ReplyTo string          `json:"reply_to,omitempty"`
	Payload json.RawMessage `json:"payload"`
}

// Key is the message key: the member that names the subject of e's type.
func (e Envelope) Key() string {
	if registry[e.Type].key == keySKU {
		return e.SKU
	}
	return e.OrderID
}

// Payload is implemented by every event payload type.
type Payload interface {
	EventType() string
	Validate() error
}

// New wraps payload in an envelope with a fresh id. key is the order id
// (order events) or the SKU (stock movements) and must be the payload's own:
// a producer that mixes them up learns it here, not from every consumer's DLQ.
func New(key string, occurredAt time.Time, p Payload) (Envelope, error) {
	if err := p.Validate(); err != nil {
		return Envelope{}, fmt.Errorf("new %s: %w", p.EventType(), err)
	}
	if k := keyOf(p); k != key {
		return Envelope{}, fmt.Errorf("new %s: key %q differs from the payload's %q", p.EventType(), key, k)
	}
	raw, err := json.Marshal(p)
	if err != nil {
		return Envelope{}, fmt.Errorf("encode %s: %w", p.EventType(), err)
	}
	e := Envelope{
		ID:            uuid.NewString(),
		Type:          p.EventType(),
		SchemaVersion: SchemaVersion,
		OccurredAt:    occurredAt.UTC(),
		Payload:       raw,
	}
	if registry[e.Type].key == keySKU {
		e.SKU = key
	} else {
		e.OrderID = key
	}
	return e, nil
}

// Encode is the wire form of an envelope.
func (e Envelope) Encode() ([]byte, error) { return json.Marshal(e) }

// ErrInvalid marks an event that can never be processed: it goes to the DLQ.
var ErrInvalid = errors.New("invalid event")

// Decode parses and validates an envelope and its payload. Every error wraps ErrInvalid.
func Decode(b []byte) (Envelope, Payload, error) {
	var e Envelope
	if err := unmarshal(b, &e); err != nil {
		return e, nil, fmt.Errorf("%w: envelope is not valid JSON: %v", ErrInvalid, err)
	}
	if _, err := uuid.Parse(e.ID); err != nil {
		return e, nil, fmt.Errorf("%w: envelope id %q is not a UUID", ErrInvalid, e.ID)
	}
	if e.SchemaVersion != SchemaVersion {
		return e, nil, fmt.Errorf("%w: schema_version %d is not supported (want %d)", ErrInvalid, e.SchemaVersion, SchemaVersion)
	}
	if e.OccurredAt.IsZero() {
		return e, nil, fmt.Errorf("%w: occurred_at is missing", ErrInvalid)
	}
	if _, err := uuid.Parse(e.ReplyTo); e.ReplyTo != "" && err != nil {
		return e, nil, fmt.Errorf("%w: reply_to %q is not a UUID", ErrInvalid, e.ReplyTo)
	}
	typ, ok := registry[e.Type]
	if !ok {
		return e, nil, fmt.Errorf("%w: unknown event type %q", ErrInvalid, e.Type)
	}
	keyName := KeyName(e.Type)
	if e.Key() == "" {
		return e, nil, fmt.Errorf("%w: %s is missing", ErrInvalid, keyName)
	}
	// Order ids are UUIDs (order-svc makes them): anything else — a typo, a
	// hand-published event, invalid UTF-8 — is no order and never will be.
	if typ.key == keyOrderID {
		if u, err := uuid.Parse(e.OrderID); err != nil || u.String() != e.OrderID {
			return e, nil, fmt.Errorf("%w: order_id %q is not a UUID in canonical form", ErrInvalid, e.OrderID)
		}
	}
	p := typ.newPayload()
	if err := unmarshal(e.Payload, p); err != nil {
		return e, nil, fmt.Errorf("%w: %s payload: %v", ErrInvalid, e.Type, err)
	}
	if err := p.Validate(); err != nil {
		return e, nil, fmt.Errorf("%w: %s payload: %v", ErrInvalid, e.Type, err)
	}
	if k := keyOf(p); k != e.Key() {
		return e, nil, fmt.Errorf("%w: payload %s %q differs from envelope %s %q", ErrInvalid, keyName, k, keyName, e.Key())
	}
	return e, p, nil
}

// unmarshal ignores unknown members on purpose: a newer producer may add
// fields without breaking older consumers (schema_version marks breaking changes).
func unmarshal(b []byte, v any) error {
	if len(b) == 0 {
		return errors.New("empty")
	}
	return json.Unmarshal(b, v)
}
