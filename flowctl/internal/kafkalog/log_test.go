package kafkalog_test

import (
	"slices"
	"testing"

	"github.com/orderflow/flowctl/internal/kafkalog"
	"github.com/orderflow/flowctl/internal/stackmode"
)

func TestLogOfEachStack(t *testing.T) {
	ev := kafkalog.LogOf(stackmode.Events, "ws.")
	if got := ev.DLQTopics(); !slices.Equal(got, []string{"ws.orders.v1.dlq", "ws.inventory.v1.dlq", "ws.invoicing.v1.dlq"}) {
		t.Errorf("events DLQ topics %v", got)
	}
	if (kafkalog.Log{Prefix: "ws."}).Group("order-svc") != "ws.order-svc.events" {
		t.Error("the zero Log's mode is not the events stack's")
	}
	orch := kafkalog.LogOf(stackmode.Orchestration, "ws.")
	if got := orch.DLQTopics(); !slices.Equal(got, []string{"ws.orch.inventory.commands.v1.dlq", "ws.orch.invoicing.commands.v1.dlq", "ws.orch.order-saga.replies.v1.dlq"}) {
		t.Errorf("orchestration DLQ topics %v", got)
	}
	if got := orch.Topics(); len(got) != 5 || !slices.Contains(got, "ws.orch.orders.v1") || slices.Contains(got, "ws.orch.invoicing.v1") {
		t.Errorf("orchestration topics %v", got)
	}
	if g := orch.Group("inventory-svc"); g != "ws.orch.inventory-svc.events" {
		t.Errorf("orchestration group %q", g)
	}
}
