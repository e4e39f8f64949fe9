package app

import (
	"context"
	"database/sql"
	"time"

	"github.com/orderflow/platform/consume"
	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/outbox"
	"github.com/orderflow/platform/service"
	"github.com/orderflow/platform/topology"

	"github.com/orderflow/order-svc/internal/listen"
	"github.com/orderflow/order-svc/internal/orchestrate"
	"github.com/orderflow/order-svc/internal/order"
)

// sagaHook writes a saga's part in an order's transaction (placing, cancel).
type sagaHook func(ctx context.Context, tx *sql.Tx, o order.Order) ([]events.Envelope, error)

// saga is what the saga style decides in order-svc: what it consumes, where
// what it writes goes, and the placing's and the cancel's saga parts.
type saga struct {
	routes    consume.Routes
	out       *outbox.Writer
	start     sagaHook
	cancelled sagaHook
}

// sagaFor picks the style's parts, the one place that does. Choreography:
// the listener follows the others' events and order-svc publishes only
// orders.v1 (OrderCancelled for an order it never had, too). Orchestration:
// the orchestrator follows the replies and sends its commands, each type
// to its participant's topic, through the same outbox as the facts.
// With the fraud check on, CheckFraud goes to fraud-svc's command topic.
func sagaFor(style topology.Style, fraudCheck bool, m *service.Messaging, now func() time.Time) saga {
	out := m.OutboxTo(events.TopicOrders)
	if style != topology.Orchestration {
		return saga{routes: (&listen.Handler{Now: now}).Routes(), out: out}
	}
	out.ByType = map[string]string{}
	commands := []string{events.TypeReserveStock, events.TypeReleaseStock, events.TypeIssueInvoice, events.TypeVoidInvoice}
	if fraudCheck {
		commands = append(commands, events.TypeCheckFraud)
	}
	for _, typ := range commands {
		out.ByType[typ] = m.OutboxTo(events.CommandTopic(typ)).Topic
	}
	o := &orchestrate.Orchestrator{Now: now, FraudCheck: fraudCheck}
	return saga{routes: o.Routes(), out: out, start: o.Start, cancelled: o.Cancelled}
}
