// Package kafkalog reads and writes the demo's Kafka topics from the outside,
// as an operator would: list a topic, replay it into a fresh consumer group,
// measure a group's backlog, publish one record, and list and redrive dead
// letters. It talks to the broker only; it never touches a service.
package kafkalog

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/orderflow/platform/events"
)

// Record is one Kafka record as stored, whatever its value holds: a record the
// services cannot decode must still be listable.
type Record struct {
	Topic     string            `json:"topic"`
	Partition int               `json:"partition"`
	Offset    int64             `json:"offset"`
	Key       []byte            `json:"key"`
	Value     []byte            `json:"value"`
	Headers   map[string]string `json:"headers,omitempty"`
	Time      time.Time         `json:"time"`
}

func recordOf(m kafka.Message) Record {
	r := Record{Topic: m.Topic, Partition: m.Partition, Offset: m.Offset, Key: m.Key, Value: m.Value, Time: m.Time}
	if len(m.Headers) > 0 {
		// A repeated header keeps its last value: the services never repeat
		// one, and the consumer's dead-lettering overwrites rather than appends.
		r.Headers = make(map[string]string, len(m.Headers))
		for _, h := range m.Headers {
			r.Headers[h.Key] = string(h.Value)
		}
	}
	return r
}

// Header returns the value of header key, or "".
func (r Record) Header(key string) string { return r.Headers[key] }

// Position is where the record sits in the log.
func (r Record) Position() Position {
	return Position{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset}
}

// Decoded is a record's envelope decoded leniently: Envelope holds whatever
// parsed even when Err says the event is invalid, so a listing can still show
// its id, type and order.
type Decoded struct {
	Envelope events.Envelope
	// Payload is nil when Err is set.
	Payload events.Payload
	// Err is why the services would dead-letter the record (wraps
	// events.ErrInvalid), or nil.
	Err error
}

// Decode decodes the record's value exactly as the consumers do
// (events.Decode), keeping the partial envelope on failure.
func (r Record) Decode() Decoded {
	env, p, err := events.Decode(r.Value)
	return Decoded{Envelope: env, Payload: p, Err: err}
}

// OrderID is the record's key (the order id on every topic), or, for a record
// written without a key, the order id its envelope names.
func (r Record) OrderID() string {
	if len(r.Key) > 0 {
		return string(r.Key)
	}
	return r.Decode().Envelope.OrderID
}

// Position names one record: topic, partition, offset.
type Position struct {
	Topic     string `json:"topic"`
	Partition int    `json:"partition"`
	Offset    int64  `json:"offset"`
}

// String is "topic/partition/offset", the form of the redriven-from header.
func (p Position) String() string { return fmt.Sprintf("%s/%d/%d", p.Topic, p.Partition, p.Offset) }

// ParsePosition parses "topic/partition/offset". Kafka topic names cannot
// contain '/', so the last two slashes separate the numbers.
func ParsePosition(s string) (Position, error) {
	rest, off, ok1 := cutLast(s, "/")
	topic, part, ok2 := cutLast(rest, "/")
	if !ok1 || !ok2 || topic == "" {
		return Position{}, fmt.Errorf("position %q: want topic/partition/offset", s)
	}
	p, err := strconv.Atoi(part)
	if err != nil {
		return Position{}, fmt.Errorf("position %q: partition: %w", s, err)
	}
	o, err := strconv.ParseInt(off, 10, 64)
	if err != nil {
		return Position{}, fmt.Errorf("position %q: offset: %w", s, err)
	}
	return Position{Topic: topic, Partition: p, Offset: o}, nil
}

func cutLast(s, sep string) (before, after string, ok bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}
