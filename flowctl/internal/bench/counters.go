package bench

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/kafkalog"
)

// messageCounter counts a stack's messages: the records on its topics (a
// stack on the broker: its flow's and dead-letter topics by its saga style
// and prefix) and, on every stack, the calls between its services.
func messageCounter(si StackInfo) *MessageCounter {
	c := &MessageCounter{Calls: func(ctx context.Context) (int64, error) { return callsBetweenServices(ctx, si.URLs) }}
	if si.Mode.Kafka() && len(si.Brokers) > 0 {
		l := kafkalog.LogOf(si.Mode, si.TopicPrefix)
		c.Topics = append(l.Topics(), l.DLQTopics()...)
		c.Ends = func(ctx context.Context, topics []string) (kafkalog.Offsets, error) {
			return kafkalog.EndOffsets(ctx, si.Brokers, topics...)
		}
	}
	return c
}

// callsBetweenServices sums the API requests the services other than
// order-svc have served: order-svc's callers are clients (the bench
// itself), everyone else's are services. Probes and scrapes are not API
// requests (api.RequestCounts.API).
func callsBetweenServices(ctx context.Context, urls map[string]string) (int64, error) {
	hc := &http.Client{Timeout: 5 * time.Second}
	var n float64
	for svc, url := range urls {
		if svc == topology.OrderSvc {
			continue
		}
		c, err := api.GetRequestCounts(ctx, url, hc)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", svc, err)
		}
		n += c.API()
	}
	return int64(n), nil
}
