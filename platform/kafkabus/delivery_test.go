package kafkabus_test

import (
	"context"
	"testing"

	"github.com/segmentio/kafka-go"

	"github.com/orderflow/platform/kafkabus"
)

// TestDeliveryDone: Done runs what was added with OnDone, in order, once.
func TestDeliveryDone(t *testing.T) {
	tests := []struct {
		name  string
		hooks int
		dones int
		want  string
	}{
		{name: "not done", hooks: 2, dones: 0, want: ""},
		{name: "done runs every hook in order", hooks: 2, dones: 1, want: "01"},
		{name: "done twice runs them once", hooks: 2, dones: 2, want: "01"},
		{name: "done without hooks", hooks: 0, dones: 1, want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := kafkabus.NewDelivery(context.Background(), kafka.Message{Offset: 7})
			ran := ""
			for i := range tt.hooks {
				d.OnDone(func() { ran += string(rune('0' + i)) })
			}
			for range tt.dones {
				d.Done()
			}
			if ran != tt.want || d.IsDone() != (tt.dones > 0) || d.Msg.Offset != 7 {
				t.Fatalf("ran %q, done %v; want %q, %v", ran, d.IsDone(), tt.want, tt.dones > 0)
			}
		})
	}
}
