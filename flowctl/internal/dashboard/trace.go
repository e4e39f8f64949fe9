package dashboard

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/investigate"
)

// TraceView is GET /api/orders/{mode}/{id}/trace: the investigation
// `flowctl trace --json` prints, and where to open it in Jaeger.
type TraceView struct {
	Mode          string                    `json:"mode"`
	OrderID       string                    `json:"order_id"`
	Status        string                    `json:"status"`
	Final         bool                      `json:"final"`
	Investigation investigate.Investigation `json:"investigation"`
	// JaegerURL opens the start trace in Jaeger's own UI; empty when the
	// runtime's Jaeger has none (native), where TraceURL is the link to give.
	JaegerURL string `json:"jaeger_url,omitempty"`
	// TraceURL is this view's own address on the dashboard (?order=mode/id).
	TraceURL string `json:"trace_url"`
	// Settled says the order's last change is long enough ago for all its
	// spans to have been exported (the services export every second).
	Settled bool `json:"settled"`
}

// traceSettling matches `flowctl trace`: after an order's last change its
// spans have been exported.
const traceSettling = 2500 * time.Millisecond

// orderOf fetches {id} from the stack's order-svc; an id order-svc does not
// know is a 404 problem.
func (s *Server) orderOf(w http.ResponseWriter, r *http.Request) (*modeState, api.Order, bool) {
	ms, ok := s.mode(w, r.PathValue("mode"))
	if !ok {
		return nil, api.Order{}, false
	}
	id := r.PathValue("id")
	o, err := ms.orders.Get(r.Context(), id)
	if pe, isProblem := errors.AsType[*api.ProblemError](err); isProblem && (pe.Status == http.StatusNotFound || pe.Status == http.StatusBadRequest) {
		notFound(w, "Unknown order", fmt.Sprintf("the %s stack's order-svc does not know order %q", ms.mode, id))
		return nil, api.Order{}, false
	}
	if err != nil {
		failed(w, "order-svc did not answer", err)
		return nil, api.Order{}, false
	}
	return ms, o, true
}

func (s *Server) trace(w http.ResponseWriter, r *http.Request) {
	ms, o, ok := s.orderOf(w, r)
	if !ok {
		return
	}
	if s.cfg.Jaeger == "" {
		notFound(w, "No Jaeger", "this dashboard was started without Jaeger: traces are not collected")
		return
	}
	j := api.NewJaeger(s.cfg.Jaeger, nil)
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
	defer cancel()
	inv, err := investigate.ForOrder(ctx, j, investigate.Input{
		OrderID: o.ID, TraceID: o.TraceID, Mode: string(ms.mode),
		Since: o.PlacedAt.Add(-2 * time.Second), Until: o.UpdatedAt.Add(5 * time.Second),
		Services: investigate.ServiceNames(string(ms.mode)), Status: string(o.Status), Reason: o.Reason,
	})
	if errors.Is(err, api.ErrTraceNotFound) {
		notFound(w, "No spans yet", fmt.Sprintf("Jaeger has no span of order %s yet: the services export every second, ask again", o.ID))
		return
	}
	if err != nil {
		failed(w, "Jaeger did not answer", err)
		return
	}
	v := TraceView{Mode: string(ms.mode), OrderID: o.ID, Status: string(o.Status), Final: o.Final, Investigation: inv,
		Settled: o.Final && time.Since(o.UpdatedAt) >= traceSettling}
	v.TraceURL = "/?order=" + url.QueryEscape(string(ms.mode)+"/"+o.ID)
	if inv.StartTraceID != "" && s.jaegerHasUI(r.Context()) {
		v.JaegerURL = j.TraceURL(inv.StartTraceID)
	}
	writeJSON(w, http.StatusOK, v)
}

// jaegerHasUI says whether the runtime's Jaeger shows a trace in a browser;
// unknown (no runtime control yet) counts as yes, as Docker's does.
func (s *Server) jaegerHasUI(ctx context.Context) bool {
	ctl, err := s.control(ctx)
	return err != nil || ctl.JaegerUI()
}
