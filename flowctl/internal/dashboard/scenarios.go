package dashboard

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/orderflow/platform/config"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/scenario"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// ScenarioEvent is a "scenario" event: a run's progress, then its result
// (the same Outcome data `flowctl scenario --json` prints).
type ScenarioEvent struct {
	Name  string   `json:"name"`
	Modes []string `json:"modes"`
	// Phase is running, done or failed.
	Phase   string        `json:"phase"`
	Line    string        `json:"line,omitempty"`
	Label   string        `json:"label,omitempty"`
	Done    int           `json:"done,omitempty"`
	Total   int           `json:"total,omitempty"`
	Run     *scenario.Run `json:"run,omitempty"`
	Verdict string        `json:"verdict,omitempty"`
	Error   string        `json:"error,omitempty"`
	Started time.Time     `json:"started"`
}

// scenarioRunner runs one scenario at a time: scenarios stop services and
// set faults, and two at once would measure each other.
type scenarioRunner struct {
	s       *Server
	mu      sync.Mutex
	running bool
	final   *ScenarioEvent
}

func (r *scenarioRunner) last() (ScenarioEvent, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.final == nil {
		return ScenarioEvent{}, false
	}
	return *r.final, true
}

func (r *scenarioRunner) isRunning() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.running
}

func (s *Server) listScenarios(w http.ResponseWriter, _ *http.Request) {
	out := map[string]any{"scenarios": s.state().Scenarios}
	if last, ok := s.scen.last(); ok {
		out["last"] = last
	}
	writeJSON(w, http.StatusOK, out)
}

// runScenario starts a scenario on every stack shown (or the one in the body) and
// answers at once; progress and the result arrive on the stream.
func (s *Server) runScenario(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	i := slices.IndexFunc(scenario.All, func(sc scenario.Scenario) bool { return sc.Name == name })
	if i < 0 {
		notFound(w, "Unknown scenario", fmt.Sprintf("no scenario %q: use one of %v", name, scenario.Names()))
		return
	}
	var req struct {
		Mode string `json:"mode"`
	}
	if !readJSON(w, r, &req) {
		return
	}
	if req.Mode == "" {
		req.Mode = "all"
	}
	mss, ok := s.targets(w, req.Mode)
	if !ok {
		return
	}
	modes := make([]stackmode.Mode, 0, len(mss))
	names := make([]string, 0, len(mss))
	for _, ms := range mss {
		modes, names = append(modes, ms.mode), append(names, string(ms.mode))
	}
	s.scen.mu.Lock()
	if s.scen.running {
		s.scen.mu.Unlock()
		conflict(w, "A scenario is running", "one scenario at a time: wait for the running one to end")
		return
	}
	s.scen.running = true
	s.scen.mu.Unlock()
	ctl, release, ok := s.claimScenario(w, r, modes, fmt.Sprintf("scenario %s --mode %s", name, req.Mode))
	if !ok {
		s.scen.mu.Lock()
		s.scen.running = false
		s.scen.mu.Unlock()
		return
	}
	ev := ScenarioEvent{Name: name, Modes: names, Phase: "running", Started: time.Now().UTC()}
	go func() {
		defer release()
		s.scen.run(scenario.All[i], modes, ctl, ev)
	}()
	writeJSON(w, http.StatusAccepted, ev)
}

// claimScenario takes the stacks' run locks, then the runtime's control,
// or answers why not (and holds nothing).
func (s *Server) claimScenario(w http.ResponseWriter, r *http.Request, modes []stackmode.Mode, what string) (scenario.Control, func(), bool) {
	release, ok := s.holdStacks(w, r, modes, what)
	if !ok {
		return nil, nil, false
	}
	ctl, err := s.control(r.Context())
	if err != nil {
		release()
		failed(w, "No runtime control", err)
		return nil, nil, false
	}
	return ctl, release, true
}

func (r *scenarioRunner) run(sc scenario.Scenario, modes []stackmode.Mode, ctl scenario.Control, ev ScenarioEvent) {
	s := r.s
	defer func() {
		r.mu.Lock()
		r.running = false
		r.mu.Unlock()
	}()
	env := &scenario.Env{
		Control: ctl, Targets: map[stackmode.Mode]scenario.Target{},
		Brokers: s.cfg.Brokers, TopicPrefix: s.cfg.TopicPrefix, Size: s.cfg.Size,
		Propagations: []config.Propagation{config.PropagationChild, config.PropagationLink, config.PropagationOff},
	}
	for _, m := range s.order {
		env.Targets[m] = s.modes[m].target
	}
	if s.cfg.Jaeger != "" {
		env.Jaeger = api.NewJaeger(s.cfg.Jaeger, nil)
	}
	env.Say = func(format string, args ...any) {
		p := ev
		p.Line = fmt.Sprintf(format, args...)
		s.hub.publish("scenario", p)
	}
	var progressMu sync.Mutex
	lastSent := time.Time{}
	env.Progress = func(label string, done, total int) {
		// A progress bar needs a few updates a second, not one per order.
		progressMu.Lock()
		defer progressMu.Unlock()
		if done != total && time.Since(lastSent) < 200*time.Millisecond {
			return
		}
		lastSent = time.Now()
		p := ev
		p.Label, p.Done, p.Total = progressLabel(ev.Name, label), done, total
		s.hub.publish("scenario", p)
	}
	s.hub.publish("scenario", ev)
	run, err := sc.Run(s.baseContext(), env, modes)
	end := ev
	end.Run = &run
	end.Verdict = run.Verdict()
	end.Phase = "done"
	if err != nil {
		end.Phase, end.Error = "failed", err.Error()
	}
	r.mu.Lock()
	r.final = &end
	r.mu.Unlock()
	s.hub.publish("scenario", end)
}

// progressLabel is a scenario's progress label without the scenario's name
// the page already shows before it ("downstream-down: placing", not
// "downstream-down: downstream-down: placing"); a label of its own
// ("slow-downstream baseline: placing") keeps what is not the name.
func progressLabel(name, label string) string {
	rest, ok := strings.CutPrefix(label, name)
	if !ok || (rest != "" && rest[0] != ':' && rest[0] != ' ') {
		return label
	}
	if rest = strings.TrimLeft(rest, ": "); rest == "" {
		return label
	}
	return rest
}
