package consume_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/orderflow/platform/consume"
	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/kafkabus"
	"github.com/orderflow/platform/kafkaconf"
)

// TestDeadLetter: a message that does not decode, or a lone one the handler
// finds invalid, goes to <topic>.dlq unchanged with the dlq-* headers, its
// span marked as an error; everything else is the handler's, and a batch of
// several that fails is passed back for Isolate.
func TestDeadLetter(t *testing.T) {
	invalid := fmt.Errorf("%w: no price for SKU-001", events.ErrInvalid)
	locked := errors.New("database is locked")
	tests := []struct {
		name       string
		msgs       []int // offsets; a negative one is a poison message
		handlerErr error
		dlqFails   int
		wantErr    error
		wantCalls  string
		wantDead   []int64 // offsets dead-lettered
		wantReason string  // dlq-error of the first dead letter
	}{
		{name: "valid events go to the handler", msgs: []int{1, 2}, wantCalls: "[[1 2]]"},
		{name: "a poison message is dead-lettered before the rest is handled", msgs: []int{1, -2, 3},
			wantCalls: "[[1 3]]", wantDead: []int64{2}, wantReason: "invalid event: envelope is not valid JSON"},
		{name: "a batch of poison only never reaches the handler", msgs: []int{-1},
			wantCalls: "[]", wantDead: []int64{1}},
		{name: "a lone event the handler finds invalid is dead-lettered", msgs: []int{1}, handlerErr: invalid,
			wantCalls: "[[1]]", wantDead: []int64{1}, wantReason: invalid.Error()},
		{name: "an invalid event in a batch of several is passed back", msgs: []int{1, 2}, handlerErr: invalid,
			wantCalls: "[[1 2]]", wantErr: events.ErrInvalid},
		{name: "a transient error is passed back", msgs: []int{1}, handlerErr: locked,
			wantCalls: "[[1]]", wantErr: locked},
		{name: "a failed dead-letter write is retried", msgs: []int{-1}, dlqFails: 1,
			wantCalls: "[]", wantDead: []int64{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tracer, spans := recorder()
			var msgs []*kafkabus.Delivery
			for _, n := range tt.msgs {
				if n < 0 {
					msgs = append(msgs, decoded(t, poisonMessage(-n))...)
				} else {
					msgs = append(msgs, decoded(t, placedMessage(t, n))...)
				}
			}
			for _, d := range msgs { // a span per message, as Trace gives them
				var span trace.Span
				d.Ctx, span = tracer.Start(d.Ctx, fmt.Sprint("p", d.Msg.Offset))
				d.OnDone(func() { span.End() })
			}
			dlq := &recordingDLQ{failures: tt.dlqFails}
			stats := &consume.Stats{}
			h := &handlerFunc{fail: func(int, []*kafkabus.Delivery) error { return tt.handlerErr }}
			err := consume.DeadLetter(dlq, "inventory-svc.events", quiet, stats)(h.handle)(context.Background(), msgs)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if got := fmt.Sprint(h.calls); got != tt.wantCalls {
				t.Fatalf("handler calls %s, want %s", got, tt.wantCalls)
			}
			var dead []int64
			for _, m := range dlq.msgs {
				off := kafkabus.Header(m.Headers, kafkaconf.HeaderDLQOffset)
				var n int64
				fmt.Sscan(off, &n)
				dead = append(dead, n)
				orig := msgs[slices.IndexFunc(msgs, func(d *kafkabus.Delivery) bool { return d.Msg.Offset == n })].Msg
				if m.Topic != events.DLQ(events.TopicOrders) || string(m.Key) != string(orig.Key) || string(m.Value) != string(orig.Value) ||
					kafkabus.Header(m.Headers, kafkaconf.HeaderDLQTopic) != events.TopicOrders ||
					kafkabus.Header(m.Headers, kafkaconf.HeaderDLQPartition) != "0" ||
					kafkabus.Header(m.Headers, kafkaconf.HeaderDLQGroup) != "inventory-svc.events" ||
					kafkabus.Header(m.Headers, kafkaconf.HeaderDLQError) == "" {
					t.Errorf("dead letter %s key %q headers %v: want the message unchanged on %s with the dlq-* headers", m.Topic, m.Key, m.Headers, events.DLQ(events.TopicOrders))
				}
				for _, h := range orig.Headers {
					if kafkabus.Header(m.Headers, h.Key) != string(h.Value) {
						t.Errorf("dead letter lost header %s", h.Key)
					}
				}
			}
			if !slices.Equal(dead, tt.wantDead) || stats.DeadLetter.Load() != int64(len(tt.wantDead)) {
				t.Fatalf("dead-lettered offsets %v (counter %d), want %v", dead, stats.DeadLetter.Load(), tt.wantDead)
			}
			if tt.wantReason != "" {
				if got := kafkabus.Header(dlq.msgs[0].Headers, kafkaconf.HeaderDLQError); !strings.HasPrefix(got, tt.wantReason) {
					t.Errorf("dlq-error %q, want it to start with %q", got, tt.wantReason)
				}
			}
			for _, d := range msgs {
				wasDead := slices.Contains(tt.wantDead, d.Msg.Offset)
				if d.IsDone() != wasDead {
					t.Errorf("offset %d done %v, want %v (a dead letter is done with)", d.Msg.Offset, d.IsDone(), wasDead)
				}
			}
			for _, s := range spans.Ended() {
				if s.Status().Code != codes.Error || s.Status().Description != "dead-lettered" || len(s.Events()) == 0 {
					t.Errorf("span %s: status %v with %d events, want an error 'dead-lettered' with the cause", s.Name(), s.Status(), len(s.Events()))
				}
			}
			if len(spans.Ended()) != len(tt.wantDead) {
				t.Errorf("%d spans ended, want one per dead letter", len(spans.Ended()))
			}
		})
	}
}
