package docker

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// StackStates are mode's stack's rows in `flowctl status`, read from its
// containers as natively from the run dir: each service (its container; on
// PostgreSQL its balancer, saying over how many replicas) followed by its
// replicas, each ready or not, then the store. None when the stack has no
// container.
func (r *Runtime) StackStates(ctx context.Context, m stackmode.Mode) ([]stack.State, error) {
	pg := r.onPostgres(ctx, m)
	byService, err := r.formContainers(ctx, m, pg)
	if err != nil || len(byService) == 0 {
		return nil, err
	}
	answers := func(port int) bool { return stack.Answers(ctx, stack.URL(port)+"/readyz") }
	return stackStates(m, pg, byService, answers), nil
}

// formContainers are the containers, running or not, of mode's stack's
// services in one form, inspected, by compose service.
func (r *Runtime) formContainers(ctx context.Context, m stackmode.Mode, pg bool) (map[string][]inspected, error) {
	ps, err := r.docker(ctx, "ps", "-a", "--no-trunc", "--filter", "label=com.docker.compose.project="+ComposeProject,
		"--format", `{{.ID}}	{{.Label "com.docker.compose.service"}}`).Output()
	if err != nil {
		return nil, fmt.Errorf("docker ps (project %s): %w", ComposeProject, err)
	}
	services := parseComposePS(ps)
	names := formNames(m, pg)
	var ids []string
	for id, svc := range services {
		if slices.Contains(names, svc) {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	b, err := r.docker(ctx, append([]string{"inspect"}, ids...)...).Output()
	if err != nil {
		return nil, fmt.Errorf("docker inspect of the %s stack's containers: %w", m, err)
	}
	all, err := parseInspect(b)
	if err != nil {
		return nil, err
	}
	out := map[string][]inspected{}
	for _, in := range all {
		out[services[in.ID]] = append(out[services[in.ID]], in)
	}
	return out, nil
}

// stackStates makes the rows from the containers by compose service;
// answers says whether a host port answers /readyz.
func stackStates(m stackmode.Mode, pg bool, byService map[string][]inspected, answers func(port int) bool) []stack.State {
	var out []stack.State
	for _, svc := range stack.AllServices() {
		port := stack.ServicePort(topology.DefaultPortBase, m, svc)
		if !pg {
			for _, c := range byService[container(m, svc)] {
				out = append(out, stack.State{Name: svc, Mode: string(m), Addr: stack.Addr(port), Ours: c.State.Running,
					Ready: c.ready(), Detail: "container " + c.name() + c.healthNote()})
			}
			continue
		}
		replicas := replicaStates(m, svc, byService[replicaService(m, svc)])
		for _, lb := range byService[balancer(m, svc)] {
			running, ready := 0, 0
			for _, r := range replicas {
				running += b2i(r.Ours)
				ready += b2i(r.Ready)
			}
			out = append(out, stack.State{Name: svc, Mode: string(m), Addr: stack.Addr(port), Ours: lb.State.Running,
				Ready:  lb.State.Running && answers(port),
				Detail: fmt.Sprintf("balancer %s over %d replica(s), %d ready", lb.name(), running, ready)})
		}
		out = append(out, replicas...)
	}
	if len(out) == 0 {
		return nil
	}
	store := "SQLite, a volume per service"
	if pg {
		store = "PostgreSQL, database orderflow_" + composeStack(m) + " in compose service postgres"
	}
	return append(out, stack.State{Name: "store", Mode: string(m), Ours: true, Ready: true, Detail: store})
}

// replicaStates are a scaled service's replicas (inventory-svc#2, numbered
// as compose numbers its containers), running first, each ready when its
// health check (/readyz) passes. They answer in the compose network only.
func replicaStates(m stackmode.Mode, svc string, cs []inspected) []stack.State {
	slices.SortFunc(cs, func(a, b inspected) int { return cmp.Compare(a.number(), b.number()) })
	var out []stack.State
	for _, c := range cs {
		out = append(out, stack.State{Name: stack.ReplicaName(svc, c.number()), Mode: string(m), Addr: c.name() + ":8080",
			Ours: c.State.Running, Ready: c.ready(), Detail: "container " + c.name() + c.healthNote()})
	}
	return out
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// name is the container's name without docker's leading slash.
func (i inspected) name() string { return strings.TrimPrefix(i.Name, "/") }

// number is compose's number for the container (1 for the first).
func (i inspected) number() int {
	n, _ := strconv.Atoi(i.Config.Labels["com.docker.compose.container-number"])
	return n
}

// ready: running and, where the container has a health check, passing it.
func (i inspected) ready() bool {
	return i.State.Running && (i.State.Health == nil || i.State.Health.Status == "healthy")
}

// healthNote says the container's state and health check when it is not
// simply running and healthy.
func (i inspected) healthNote() string {
	switch {
	case !i.State.Running:
		return " (" + cmp.Or(i.State.Status, "not running") + ")"
	case i.State.Health != nil && i.State.Health.Status != "healthy":
		return " (health check: " + i.State.Health.Status + ")"
	}
	return ""
}
