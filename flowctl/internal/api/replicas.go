package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// Replica is one replica of a service reached on its own, not through the
// balancer that spreads the service's requests: Name is the runtime's name
// for it (inventory-svc#2, a pod, HAProxy's slot replica2), Base its base
// URL and Client what reaches it there (a port-forward, a header that
// names the balancer's slot); a nil Client is a plain one.
type Replica struct {
	Name   string
	Base   string
	Client *http.Client
}

// Replicas lists a service's running replicas at the moment it is called
// (a scale may have run since the last call). ErrReplicasUnknown (wrapped,
// with why) says the runtime cannot reach them one by one.
type Replicas func(ctx context.Context) ([]Replica, error)

// ErrReplicasUnknown: the runtime reaches the service only through a
// balancer it does not control (a Kubernetes ingress), so a call reaches
// one replica of a number flowctl does not know.
var ErrReplicasUnknown = errors.New("the runtime cannot reach the replicas one by one")

// Reach is which replicas a call went to: Of is how many run (0: an
// unknown number, ErrReplicasUnknown), Got those that answered, by name.
type Reach struct {
	Of      int
	Got     []string
	Unknown string // why the number is unknown, when it is
}

// String says it in a few words: "3 of 3 replicas", "1 replica of an
// unknown number (…)".
func (r Reach) String() string {
	if r.Unknown != "" {
		return fmt.Sprintf("%d replica of an unknown number (%s)", len(r.Got), r.Unknown)
	}
	if r.Of == 1 && len(r.Got) == 1 {
		return "its one replica"
	}
	return fmt.Sprintf("%d of %d replicas", len(r.Got), r.Of)
}

// ReplicaError is a call that failed on some replicas: it names each and
// says how many of the running ones it reached.
type ReplicaError struct {
	Service string
	Method  string
	Reach   Reach
	Failed  map[string]error // by replica name
}

func (e *ReplicaError) Error() string {
	names := slices.Sorted(func(yield func(string) bool) {
		for n := range e.Failed {
			if !yield(n) {
				return
			}
		}
	})
	parts := make([]string, 0, len(names))
	for _, n := range names {
		parts = append(parts, n+": "+e.Failed[n].Error())
	}
	return fmt.Sprintf("%s: %s /admin/faults reached %s; %s", e.Service, e.Method, e.Reach, strings.Join(parts, "; "))
}

// Unwrap lets errors.Is see each replica's error (ErrNoAdmin, a refused token).
func (e *ReplicaError) Unwrap() []error {
	out := make([]error, 0, len(e.Failed))
	for _, err := range e.Failed {
		out = append(out, err)
	}
	return out
}

// DisagreeError says a service's replicas run with different faults (one
// added by a scale-out before it inherited them, one restarted by hand).
type DisagreeError struct {
	Service string
	By      map[string]Faults // by replica name
}

func (e *DisagreeError) Error() string {
	groups := map[Faults][]string{}
	for name, f := range e.By {
		groups[f] = append(groups[f], name)
	}
	parts := make([]string, 0, len(groups))
	for f, names := range groups {
		slices.Sort(names)
		parts = append(parts, strings.Join(names, ", ")+": "+Describe(f))
	}
	slices.Sort(parts)
	return fmt.Sprintf("%s's %d replicas disagree: %s; set or clear its faults to make them agree", e.Service, len(e.By), strings.Join(parts, "; "))
}

// Describe is faults in a few words ("none" without any).
func Describe(f Faults) string {
	var parts []string
	if f.Latency != "" && f.Latency != "0s" {
		parts = append(parts, "latency "+f.Latency)
	}
	if f.ErrorRate > 0 {
		parts = append(parts, fmt.Sprintf("error rate %g", f.ErrorRate))
	}
	if f.ConsumersPaused {
		parts = append(parts, "consumers paused")
	}
	if f.CrashAfterCommit > 0 {
		parts = append(parts, fmt.Sprintf("crash after commit %d", f.CrashAfterCommit))
	}
	if f.DeclineRate > 0 {
		parts = append(parts, fmt.Sprintf("decline rate %g", f.DeclineRate))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}
