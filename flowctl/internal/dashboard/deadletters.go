package dashboard

import (
	"context"
	"net/http"
	"time"

	"github.com/orderflow/flowctl/internal/deadletter"
	"github.com/orderflow/flowctl/internal/kafkalog"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// deadLetters is GET /api/deadletters: the events stack's dead letters, as
// `flowctl dlq list --json` shows them (deadletter.View), newest first.
func (s *Server) deadLetters(w http.ResponseWriter, r *http.Request) {
	if len(s.cfg.Brokers) == 0 {
		notFound(w, "No broker", "this dashboard knows no Kafka broker: dead letters live in the events stack's Kafka")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
	defer cancel()
	entries, err := kafkalog.ListDLQ(ctx, s.cfg.Brokers, kafkalog.LogOf(stackmode.Events, s.cfg.TopicPrefix))
	if err != nil {
		failed(w, "The dead-letter topics cannot be read", err)
		return
	}
	views := make([]deadletter.View, 0, len(entries))
	for i := len(entries) - 1; i >= 0; i-- {
		views = append(views, deadletter.ViewOf(entries[i]))
	}
	writeJSON(w, http.StatusOK, map[string]any{"dead_letters": views, "count": len(views)})
}
