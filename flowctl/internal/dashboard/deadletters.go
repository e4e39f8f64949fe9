package dashboard

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/orderflow/flowctl/internal/deadletter"
	"github.com/orderflow/flowctl/internal/kafkalog"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// deadLetters is GET /api/deadletters/{mode}: an events stack's dead letters
// (its own topics: the orchestrated stack's carry its prefix), as `flowctl
// dlq list --json` shows them (deadletter.View), newest first. Without
// {mode}, GET /api/deadletters, they are the events stack's.
func (s *Server) deadLetters(w http.ResponseWriter, r *http.Request) {
	m := stackmode.Events
	if name := r.PathValue("mode"); name != "" {
		ms, ok := s.mode(w, name)
		if !ok {
			return
		}
		if m = ms.mode; !m.Kafka() {
			invalid(w, "mode", fmt.Sprintf("the %s stack has no Kafka, so no dead letters: use an events stack", m))
			return
		}
	}
	if len(s.cfg.Brokers) == 0 {
		notFound(w, "No broker", "this dashboard knows no Kafka broker: dead letters live in the events stacks' Kafka")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
	defer cancel()
	entries, err := kafkalog.ListDLQ(ctx, s.cfg.Brokers, kafkalog.LogOf(m, s.cfg.TopicPrefix))
	if err != nil {
		failed(w, "The dead-letter topics cannot be read", err)
		return
	}
	views := make([]deadletter.View, 0, len(entries))
	for i := len(entries) - 1; i >= 0; i-- {
		views = append(views, deadletter.ViewOf(entries[i]))
	}
	writeJSON(w, http.StatusOK, map[string]any{"mode": m, "dead_letters": views, "count": len(views)})
}
