package httpserver

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

// AttrOrderID is the span attribute that ties a span to an order. Kafka
// producer and consumer spans carry it (platform/kafkabus); server spans carry
// it too, so that with TRACE_PROPAGATION=off a sync order's fragments can still
// be found by searching for the order, as its events fragments can.
const AttrOrderID = "orderflow.order_id"

// TagOrder records the order id on the request's current span (the otelecho
// server span, when no handler started its own). Handlers call it as soon as
// they know which order a request is about; an empty id records nothing.
func TagOrder(ctx context.Context, orderID string) {
	if orderID == "" {
		return
	}
	trace.SpanFromContext(ctx).SetAttributes(attribute.String(AttrOrderID, orderID))
}
