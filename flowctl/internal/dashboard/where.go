package dashboard

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/kafkalog"
	"github.com/orderflow/flowctl/internal/report"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// Standing is what one service says about an order right now.
type Standing struct {
	Service string `json:"service"`
	// Knows: the service has a record of the order (a row, an invoice, an
	// event it published about it).
	Knows bool `json:"knows"`
	// State is its one-word answer (the order's status, RESERVED, INVOICED…).
	State string `json:"state"`
	// Says is the answer in a sentence; Source says where it was read.
	Says   string `json:"says"`
	Source string `json:"source"`
	Error  string `json:"error,omitempty"`
}

// WhereView is GET /api/orders/{mode}/{id}/where.
type WhereView struct {
	Mode     string     `json:"mode"`
	OrderID  string     `json:"order_id"`
	At       time.Time  `json:"at"`
	Services []Standing `json:"services"`
}

// where asks each service about the order: order-svc its order, invoicing-svc
// its invoice, and inventory-svc — which has no API to look a reservation up
// by order — through what it published about the order (events mode) or the
// step order-svc recorded from its answer (sync mode).
func (s *Server) where(w http.ResponseWriter, r *http.Request) {
	ms, o, ok := s.orderOf(w, r)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	v := WhereView{Mode: string(ms.mode), OrderID: o.ID, At: time.Now().UTC()}

	ord := Standing{Service: topology.OrderSvc, Knows: true, State: string(o.Status), Source: "GET /orders/" + report.ShortID(o.ID)}
	ord.Says = fmt.Sprintf("%s after %d step(s)", o.Status, len(o.Timeline))
	if o.Reason != "" {
		ord.Says += ": " + o.Reason
	}
	v.Services = append(v.Services, ord, s.inventoryStanding(ctx, ms, o.ID, o.Timeline, o.PlacedAt), s.invoicingStanding(ctx, ms, o.ID))
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) invoicingStanding(ctx context.Context, ms *modeState, id string) Standing {
	st := Standing{Service: topology.InvoicingSvc, Source: "GET /invoices?order_id=…"}
	inv, found, err := ms.target.Invoicing.ByOrder(ctx, id)
	switch {
	case err != nil:
		st.State, st.Says, st.Error = "UNREACHABLE", "does not answer", err.Error()
	case !found:
		st.State, st.Says = "NO INVOICE", "has no invoice for this order (yet)"
	case inv.Status == "DECLINED":
		st.Knows, st.State = true, "DECLINED"
		st.Says = fmt.Sprintf("declined the charge of %d.%02d %s: %s", inv.TotalCents/100, inv.TotalCents%100, inv.Currency, inv.Reason)
	case inv.Status == "VOIDED":
		st.Knows, st.State = true, "VOIDED"
		st.Says = fmt.Sprintf("invoice %s voided %s (%s), %d.%02d %s credited back", report.ShortID(inv.InvoiceID), inv.VoidedAt.UTC().Format("15:04:05.000"), inv.Reason, inv.TotalCents/100, inv.TotalCents%100, inv.Currency)
	default:
		st.Knows, st.State = true, "INVOICED"
		st.Says = fmt.Sprintf("invoice %s issued %s, total %d.%02d %s", report.ShortID(inv.InvoiceID), inv.IssuedAt.UTC().Format("15:04:05.000"), inv.TotalCents/100, inv.TotalCents%100, inv.Currency)
	}
	return st
}

// maxScan bounds the events read to find what inventory-svc said.
const maxScan = 50000

// scanMargin is how long before the order's placement (order-svc's clock)
// the scan starts, for a broker whose clock is behind.
const scanMargin = 5 * time.Second

func (s *Server) inventoryStanding(ctx context.Context, ms *modeState, id string, timeline []api.Step, placed time.Time) Standing {
	st := Standing{Service: topology.InventorySvc}
	if !ms.mode.Kafka() || len(s.cfg.Brokers) == 0 {
		// Sync: inventory-svc answered order-svc's call; order-svc recorded it.
		st.Source = "order-svc's timeline (inventory-svc has no lookup by order)"
		st.State, st.Says = "NOT ASKED YET", "order-svc has not recorded an answer from it"
		for _, step := range timeline {
			if state, ok := map[string]string{"reserved": "RESERVED", "rejected": "REJECTED", "released": "RELEASED"}[string(step.Step)]; ok {
				st.Knows = true
				st.State = state
				st.Says = fmt.Sprintf("answered %s at +%.0f ms", string(step.Step), step.AfterMS)
			}
		}
		return st
	}
	topic, what, mine := inventoryWord(ms.mode, s.cfg.TopicPrefix)
	st.Source = what + " on " + topic + " (Kafka)"
	// There is no index by order: the topic is read from the order's
	// placement on (by the records' timestamps), so what ran before — a
	// bench's 57,000 events — costs nothing; past a size that takes too long
	// for a live answer, say so rather than stall the page.
	from, err := kafkalog.OffsetsAt(ctx, s.cfg.Brokers, placed.Add(-scanMargin), topic)
	if err != nil {
		st.State, st.Says, st.Error = "UNREADABLE", "its topic cannot be read", err.Error()
		return st
	}
	if n, err := kafkalog.Count(ctx, s.cfg.Brokers, from, topic); err == nil && n > s.scanLimit {
		st.State, st.Says = "NOT ASKED", fmt.Sprintf("%s holds %d events since the order was placed, more than the %d the dashboard scans for one order", topic, n, s.scanLimit)
		return st
	}
	recs, err := kafkalog.ReadFrom(ctx, s.cfg.Brokers, topic, from[topic])
	if err != nil {
		st.State, st.Says, st.Error = "UNREADABLE", "its topic cannot be read", err.Error()
		return st
	}
	st.State, st.Says = "NOT PROCESSED", "has published nothing about this order yet"
	for _, rec := range recs {
		if rec.OrderID() != id {
			continue
		}
		d := rec.Decode()
		if !mine(d.Envelope.Type) {
			continue
		}
		st.Knows = true
		st.State = d.Envelope.Type
		st.Says = fmt.Sprintf("published %s at %s", d.Envelope.Type, rec.Time.UTC().Format("15:04:05.000"))
	}
	return st
}

// inventoryWord is where inventory-svc says what it did with an order: its
// events on its own topic (choreography), or its replies to the
// orchestrator, among the other participants' on the one reply topic
// (orchestration; its own topic then carries only stock facts by SKU).
func inventoryWord(m stackmode.Mode, base string) (topic, what string, mine func(eventType string) bool) {
	if m.Saga() == topology.Orchestration {
		replies := []string{events.TypeStockReserved, events.TypeStockRejected, events.TypeStockReleased}
		return m.TopicPrefix(base) + events.TopicSagaReplies, "its replies",
			func(t string) bool { return slices.Contains(replies, t) }
	}
	return m.TopicPrefix(base) + events.TopicInventory, "its events", func(string) bool { return true }
}
