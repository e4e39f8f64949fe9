package dashboard

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/orderflow/platform/problem"

	"github.com/orderflow/flowctl/internal/scenario"
)

// Handler is the dashboard: the page's assets, the JSON API under /api/ and
// the event stream at /api/stream. Writes take application/json; bad input
// answers an RFC 9457 problem and changes nothing.
//
//	GET    /api/state                                 stacks, scenarios, Jaeger, latest report, limits
//	GET    /api/stream                                SSE: state, stack, order, figures, load, scenario
//	POST   /api/orders          {"mode":"sync|events|events-orchestration|all"}  one order per stack (both: all too)
//	POST   /api/load            {"mode":…, "rate":10, "duration_s":10}      a steady rate (≤ 2000/s, 1–300 s)
//	GET    /api/orders/{mode}                         the orders placed here (newest 200)
//	POST   /api/orders/{mode}/{id}/cancel             cancel it as its customer would (order-svc's answer, 409 when final)
//	GET    /api/orders/{mode}/{id}/where              what each service says about the order
//	GET    /api/orders/{mode}/{id}/trace              its spans from Jaeger (investigate.Investigation)
//	GET    /api/figures/{mode}                        latency, status, lag, outbox, dead-letter figures
//	GET    /api/deadletters/{mode}                    an events stack's dead letters (deadletter.View); no {mode}: the events stack's
//	GET    /api/stacks/{mode}                         what runs and what is broken
//	PUT    /api/stacks/{mode}/faults/{service}        {"latency_ms":300, "error_rate":0.2, "consumers_paused":false, "decline_rate":0}
//	PUT    /api/stacks/{mode}/faults/{service}/decline-rate  {"decline_rate":0.5} (invoicing-svc; its other faults kept)
//	POST   /api/stacks/{mode}/faults/{service}/pause  (and /resume) the service's Kafka consumers
//	DELETE /api/stacks/{mode}/faults                  every fault of the stack
//	POST   /api/stacks/{mode}/{service|broker}/{stop|start}
//	PUT    /api/stacks/{mode}/propagation             {"propagation":"child|link|off"} (restarts its services)
//	GET    /api/scenarios                             the scenarios and the last run
//	POST   /api/scenarios/{name}/run  {"mode":"all"}  progress and result on the stream (every stack shown)
//	GET    /report/latest                             the newest compare report.html
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	assets := assetHandler()
	mux.Handle("GET /{$}", assets)
	mux.Handle("GET /{file}", assets)
	mux.HandleFunc("GET /report/latest", s.latestReport)

	mux.HandleFunc("GET /api/state", s.getState)
	mux.HandleFunc("GET /api/stream", func(w http.ResponseWriter, r *http.Request) { s.hub.stream(w, r, s.snapshot) })

	mux.HandleFunc("POST /api/orders", s.notDuringScenario(s.placeOne))
	mux.HandleFunc("POST /api/load", s.notDuringScenario(s.startLoad))
	mux.HandleFunc("GET /api/orders/{mode}", s.listOrders)
	mux.HandleFunc("POST /api/orders/{mode}/{id}/cancel", s.notDuringScenario(s.cancelOrder))
	mux.HandleFunc("GET /api/orders/{mode}/{id}/where", s.where)
	mux.HandleFunc("GET /api/orders/{mode}/{id}/trace", s.trace)
	mux.HandleFunc("GET /api/figures/{mode}", s.getFigures)
	mux.HandleFunc("GET /api/deadletters", s.deadLetters)
	mux.HandleFunc("GET /api/deadletters/{mode}", s.deadLetters)

	mux.HandleFunc("GET /api/stacks/{mode}", s.getStack)
	mux.HandleFunc("PUT /api/stacks/{mode}/faults/{service}", s.notDuringScenario(s.setFaults))
	mux.HandleFunc("POST /api/stacks/{mode}/faults/{service}/pause", s.notDuringScenario(s.pauseConsumers(true)))
	mux.HandleFunc("POST /api/stacks/{mode}/faults/{service}/resume", s.notDuringScenario(s.pauseConsumers(false)))
	mux.HandleFunc("PUT /api/stacks/{mode}/faults/{service}/decline-rate", s.notDuringScenario(s.setDeclineRate))
	mux.HandleFunc("DELETE /api/stacks/{mode}/faults", s.notDuringScenario(s.clearFaults))
	mux.HandleFunc("PUT /api/stacks/{mode}/propagation", s.notDuringScenario(s.setPropagation))
	mux.HandleFunc("POST /api/stacks/{mode}/{target}/{verb}", s.notDuringScenario(s.stopStart))

	mux.HandleFunc("GET /api/scenarios", s.listScenarios)
	mux.HandleFunc("POST /api/scenarios/{name}/run", s.runScenario)

	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		if allow := allowed(mux, r); len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			problem.Write(w, problem.New(http.StatusMethodNotAllowed, "method-not-allowed", "Method not allowed",
				fmt.Sprintf("%s %s: this endpoint takes %s", r.Method, r.URL.Path, strings.Join(allow, " or "))))
			return
		}
		notFound(w, "No such endpoint", r.Method+" "+r.URL.Path+" is not part of the dashboard's API")
	})
	return s.guard(mux)
}

// allowed lists the methods a path that r's method does not match takes:
// the catch-all "/api/" answers every method, so the mux's own 405 never
// comes; a path some other method serves is a wrong method, not a 404.
func allowed(mux *http.ServeMux, r *http.Request) []string {
	var out []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete} {
		if m == r.Method {
			continue
		}
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := mux.Handler(probe); pattern != "/api/" && pattern != "" {
			out = append(out, m)
		}
	}
	return out
}

// State is GET /api/state: what the page builds itself from.
type State struct {
	Stacks    []Observation  `json:"stacks"`
	Scenarios []ScenarioInfo `json:"scenarios"`
	Jaeger    string         `json:"jaeger,omitempty"`
	Report    *ReportInfo    `json:"report,omitempty"`
	Window    int            `json:"window"`
	Limits    Limits         `json:"limits"`
}

// ScenarioInfo is one scenario the page offers.
type ScenarioInfo struct {
	Name    string `json:"name"`
	Summary string `json:"summary"`
	Claim   string `json:"claim"`
}

func (s *Server) state() State {
	st := State{Jaeger: s.cfg.Jaeger, Report: s.latest(), Window: s.cfg.Window, Limits: limits}
	for _, m := range s.order {
		ms := s.modes[m]
		ms.mu.Lock()
		o := ms.obs.Observation
		ms.mu.Unlock()
		o.Mode, o.Kafka = string(m), m.Kafka()
		st.Stacks = append(st.Stacks, o)
	}
	for _, sc := range scenario.All {
		st.Scenarios = append(st.Scenarios, ScenarioInfo{Name: sc.Name, Summary: sc.Summary, Claim: sc.Claim})
	}
	return st
}

func (s *Server) getState(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.state())
}

// snapshot is what a new stream starts with: the state, each stack's recent
// orders and figures, and the last scenario run.
func (s *Server) snapshot() []event {
	var out []event
	add := func(name string, v any) {
		if ev, err := newEvent(name, v); err == nil {
			out = append(out, ev)
		}
	}
	add("state", s.state())
	for _, m := range s.order {
		ms := s.modes[m]
		for _, v := range ms.tracker.recent(snapshotOrders) {
			add("order", v)
		}
		add("figures", s.figures(ms))
	}
	if last, ok := s.scen.last(); ok {
		add("scenario", last)
	}
	return out
}

// snapshotOrders is how many rows per stack a page gets on connecting.
const snapshotOrders = 30

func (s *Server) listOrders(w http.ResponseWriter, r *http.Request) {
	ms, ok := s.mode(w, r.PathValue("mode"))
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"orders": ms.tracker.recent(s.cfg.Window)})
}

func (s *Server) getFigures(w http.ResponseWriter, r *http.Request) {
	ms, ok := s.mode(w, r.PathValue("mode"))
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, s.figures(ms))
}

func (s *Server) getStack(w http.ResponseWriter, r *http.Request) {
	ms, ok := s.mode(w, r.PathValue("mode"))
	if !ok {
		return
	}
	ms.mu.Lock()
	o := ms.obs.Observation
	ms.mu.Unlock()
	o.Mode = string(ms.mode)
	writeJSON(w, http.StatusOK, o)
}
