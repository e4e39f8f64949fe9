package dashboard

import (
	"net/http"

	"github.com/orderflow/flowctl/internal/scenario"
)

// Handler is the dashboard: the page's assets, the JSON API under /api/ and
// the event stream at /api/stream.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	assets := assetHandler()
	mux.Handle("GET /{$}", assets)
	mux.Handle("GET /{file}", assets)
	mux.HandleFunc("GET /report/latest", s.latestReport)

	mux.HandleFunc("GET /api/state", s.getState)
	mux.HandleFunc("GET /api/stream", func(w http.ResponseWriter, r *http.Request) { s.hub.stream(w, r, s.snapshot) })

	mux.HandleFunc("POST /api/orders", s.placeOne)
	mux.HandleFunc("POST /api/load", s.startLoad)
	mux.HandleFunc("GET /api/orders/{mode}", s.listOrders)
	mux.HandleFunc("GET /api/orders/{mode}/{id}/where", s.where)
	mux.HandleFunc("GET /api/orders/{mode}/{id}/trace", s.trace)
	mux.HandleFunc("GET /api/figures/{mode}", s.getFigures)

	mux.HandleFunc("GET /api/stacks/{mode}", s.getStack)
	mux.HandleFunc("PUT /api/stacks/{mode}/faults/{service}", s.setFaults)
	mux.HandleFunc("POST /api/stacks/{mode}/faults/{service}/pause", s.pauseConsumers(true))
	mux.HandleFunc("POST /api/stacks/{mode}/faults/{service}/resume", s.pauseConsumers(false))
	mux.HandleFunc("DELETE /api/stacks/{mode}/faults", s.clearFaults)
	mux.HandleFunc("PUT /api/stacks/{mode}/propagation", s.setPropagation)
	mux.HandleFunc("POST /api/stacks/{mode}/{target}/{verb}", s.stopStart)

	mux.HandleFunc("GET /api/scenarios", s.listScenarios)
	mux.HandleFunc("POST /api/scenarios/{name}/run", s.runScenario)

	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		notFound(w, "No such endpoint", r.Method+" "+r.URL.Path+" is not part of the dashboard's API")
	})
	return s.guard(mux)
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
		o.Mode = string(m)
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
