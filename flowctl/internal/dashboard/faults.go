package dashboard

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/orderflow/platform/problem"
	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/api"
)

// faultRequest is the body of PUT /api/stacks/{mode}/faults/{service}: the
// page's form, in its units.
type faultRequest struct {
	LatencyMS       float64 `json:"latency_ms"`
	ErrorRate       float64 `json:"error_rate"`
	ConsumersPaused bool    `json:"consumers_paused"`
	// DeclineRate is invoicing-svc's only: the page sends the one in force,
	// so applying latency and errors keeps it.
	DeclineRate float64 `json:"decline_rate"`
}

// service resolves the {service} of a path ("inventory" or "inventory-svc").
func service(w http.ResponseWriter, name string) (string, bool) {
	if !strings.HasSuffix(name, "-svc") {
		name += "-svc"
	}
	if !slices.Contains(topology.Names(), name) {
		notFound(w, "Unknown service", fmt.Sprintf("no service %q: use one of %s", name, strings.Join(topology.Names(), ", ")))
		return "", false
	}
	return name, true
}

// setFaults replaces a service's faults, with the token only this server has.
func (s *Server) setFaults(w http.ResponseWriter, r *http.Request) {
	ms, ok := s.mode(w, r.PathValue("mode"))
	if !ok {
		return
	}
	svc, ok := service(w, r.PathValue("service"))
	if !ok {
		return
	}
	var req faultRequest
	if !readJSON(w, r, &req) {
		return
	}
	switch {
	case req.LatencyMS < 0 || req.LatencyMS > 60000:
		invalid(w, "latency_ms", fmt.Sprintf("latency %g ms: use 0 to 60000", req.LatencyMS))
		return
	case req.ErrorRate < 0 || req.ErrorRate > 1:
		invalid(w, "error_rate", fmt.Sprintf("error rate %g: use a share from 0 to 1", req.ErrorRate))
		return
	case !declineRateFits(w, svc, req.DeclineRate):
		return
	}
	f := api.Faults{Latency: (time.Duration(req.LatencyMS * float64(time.Millisecond))).String(), ErrorRate: req.ErrorRate,
		ConsumersPaused: req.ConsumersPaused, DeclineRate: req.DeclineRate}
	got, reach, err := ms.target.Admin[svc].Set(r.Context(), f)
	if err != nil {
		adminFailed(w, "The service did not take the faults", err)
		return
	}
	s.reobserve(ms)
	writeJSON(w, http.StatusOK, map[string]any{"mode": ms.mode, "service": svc, "faults": got, "replicas": reach.String()})
}

// adminFailed answers a failed fault call: replicas that disagree (409: the
// page's full form or clear makes them agree), a *api.ReplicaError with how
// many of the replicas got it and which failed (problem members
// replicas_reached, replicas, replicas_failed), anything else as failed.
func adminFailed(w http.ResponseWriter, title string, err error) {
	if _, ok := errors.AsType[*api.DisagreeError](err); ok {
		problem.Write(w, problem.New(http.StatusConflict, "replicas-disagree", "The service's replicas run with different faults", err.Error()))
		return
	}
	re, ok := errors.AsType[*api.ReplicaError](err)
	if !ok {
		failed(w, title, err)
		return
	}
	p := problem.New(http.StatusBadGateway, "dependency-failed", title, err.Error())
	p.Extensions = map[string]any{"replicas_reached": len(re.Reach.Got), "replicas": re.Reach.Of, "replicas_failed": slices.Sorted(maps.Keys(re.Failed))}
	problem.Write(w, p)
}

// pauseConsumers pauses or resumes a service's Kafka consumers and keeps its
// other faults as they are.
func (s *Server) pauseConsumers(pause bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ms, ok := s.mode(w, r.PathValue("mode"))
		if !ok {
			return
		}
		svc, ok := service(w, r.PathValue("service"))
		if !ok {
			return
		}
		if !readJSON(w, r, &struct{}{}) {
			return
		}
		admin := ms.target.Admin[svc]
		f, err := admin.GetFaults(r.Context())
		if err != nil {
			adminFailed(w, "The service did not answer", err)
			return
		}
		f.ConsumersPaused = pause
		got, err := admin.SetFaults(r.Context(), f)
		if err != nil {
			adminFailed(w, "The service did not take the faults", err)
			return
		}
		s.reobserve(ms)
		writeJSON(w, http.StatusOK, map[string]any{"mode": ms.mode, "service": svc, "faults": got})
	}
}

// clearFaults removes every fault of every service of the stack that answers.
func (s *Server) clearFaults(w http.ResponseWriter, r *http.Request) {
	ms, ok := s.mode(w, r.PathValue("mode"))
	if !ok {
		return
	}
	var errs []string
	for _, svc := range topology.Names() {
		if err := ms.target.Admin[svc].ClearFaults(r.Context()); err != nil {
			errs = append(errs, err.Error())
		}
	}
	s.reobserve(ms)
	if len(errs) == len(topology.Services) {
		failed(w, "No service took the clear", fmt.Errorf("%s", strings.Join(errs, "; ")))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"mode": ms.mode, "cleared": len(topology.Services) - len(errs), "errors": errs})
}

// The broker's name as a {target}.
const brokerTarget = "broker"

// stopStart stops or starts one service of a stack, or the broker, through
// the runtime's control (a process natively, a container with Docker).
func (s *Server) stopStart(w http.ResponseWriter, r *http.Request) {
	ms, ok := s.mode(w, r.PathValue("mode"))
	if !ok {
		return
	}
	verb := r.PathValue("verb")
	if verb != "stop" && verb != "start" {
		notFound(w, "Unknown action", fmt.Sprintf("%q: use stop or start", verb))
		return
	}
	target := r.PathValue("target")
	if target != brokerTarget {
		var ok bool
		if target, ok = service(w, target); !ok {
			return
		}
	} else if !ms.mode.Kafka() {
		invalid(w, "target", fmt.Sprintf("the %s stack has no broker: the broker belongs to the events stacks, use /api/stacks/events/broker/%s", ms.mode, verb))
		return
	}
	if !readJSON(w, r, &struct{}{}) {
		return
	}
	ctl, err := s.control(r.Context())
	if err != nil {
		failed(w, "No runtime control", err)
		return
	}
	// Starting waits for readiness, which may outlast the page's request.
	ctx, cancel := context.WithTimeout(s.baseContext(), 2*time.Minute)
	defer cancel()
	switch {
	case target == brokerTarget && verb == "stop":
		_, err = ctl.StopBroker(ctx)
	case target == brokerTarget:
		err = ctl.StartBroker(ctx)
	case verb == "stop":
		err = ctl.StopService(ctx, ms.mode, target)
	default:
		err = ctl.StartService(ctx, ms.mode, target)
	}
	if err != nil {
		failed(w, fmt.Sprintf("Could not %s %s", verb, target), err)
		return
	}
	s.reobserve(ms)
	if target == brokerTarget {
		s.reobserveKafka() // one broker serves every events stack
	}
	writeJSON(w, http.StatusOK, map[string]any{"mode": ms.mode, "target": target, "done": verb, "runtime": ctl.Runtime()})
}

// reobserveKafka asks every stack on the broker again at once: stopping it
// from one column breaks them all.
func (s *Server) reobserveKafka() {
	for _, m := range s.order {
		if m.Kafka() {
			s.reobserve(s.modes[m])
		}
	}
}

// reobserve asks the stack again at once, so the page shows the change
// without waiting for the next poll.
func (s *Server) reobserve(ms *modeState) {
	select {
	case ms.poke <- struct{}{}:
	default:
	}
}
