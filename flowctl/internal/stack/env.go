package stack

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/orderflow/platform/config"
)

// checkEnv accepts only the variables of config.Vars for svc of flowctl's
// services: SetEnv changes how a service runs, never how the stack is wired
// (ports, databases, brokers stay flowctl's).
func checkEnv(svc string, vars map[string]string) error {
	if !slices.Contains(Services, svc) {
		return fmt.Errorf("service %q: use one of %s", svc, strings.Join(Services, ", "))
	}
	for _, k := range slices.Sorted(maps.Keys(vars)) {
		switch k {
		case "MODE", "HTTP_ADDR", "DB_PATH", "KAFKA_BROKERS", "INVENTORY_URL", "INVOICING_URL", "ADMIN_TOKEN":
			return fmt.Errorf("%s is how flowctl wires the stack; set it with `flowctl up`, not per service", k)
		}
		if !slices.ContainsFunc(config.Vars, func(v config.Var) bool { return v.Name == k }) {
			return fmt.Errorf("%s is not a variable the services read (see `flowctl env`)", k)
		}
	}
	return nil
}

// withEnv is all[m] with svc's variables replaced by vars (an empty map
// drops them).
func withEnv(all map[config.Mode]map[string]map[string]string, m config.Mode, svc string, vars map[string]string) {
	if all[m] == nil {
		all[m] = map[string]map[string]string{}
	}
	if len(vars) == 0 {
		delete(all[m], svc)
		return
	}
	all[m][svc] = maps.Clone(vars)
}

// SetEnv restarts svc of mode's stack with vars set on top of what the stack
// was brought up with (an empty value: the service's default) and returns
// once it is ready. They stay set for later starts of svc until SetEnv is
// called again; an empty vars drops them.
func (c *NativeControl) SetEnv(ctx context.Context, m config.Mode, svc string, vars map[string]string) error {
	if _, ok := c.Options[m]; !ok {
		return fmt.Errorf("no %s stack was brought up", m)
	}
	if err := checkEnv(svc, vars); err != nil {
		return err
	}
	prev := maps.Clone(c.env[m][svc])
	withEnv(c.env, m, svc, vars)
	if err := c.StartService(ctx, m, svc); err != nil {
		// A later start must not bring svc back with the switch half set.
		withEnv(c.env, m, svc, prev)
		return err
	}
	return nil
}

// SetEnv recreates svc's container of mode's stack with vars in compose's
// environment (docker-compose.yml passes the ones it names to the service;
// an empty value: the service's default) and returns once it is ready.
func (c *DockerControl) SetEnv(ctx context.Context, m config.Mode, svc string, vars map[string]string) error {
	if err := checkEnv(svc, vars); err != nil {
		return err
	}
	prev := maps.Clone(c.env[m][svc])
	withEnv(c.env, m, svc, vars)
	if err := c.recreate(ctx, m, []string{svc}); err != nil {
		withEnv(c.env, m, svc, prev)
		return fmt.Errorf("recreate %s with %s: %w", container(m, svc), envList(vars), err)
	}
	return nil
}

// recreate recreates svcs' containers of mode's stack with the propagation
// and the variables set for them, and waits until they are ready.
func (c *DockerControl) recreate(ctx context.Context, m config.Mode, svcs []string) error {
	if err := c.composeUp(ctx, m, svcs); err != nil {
		return err
	}
	for _, svc := range svcs {
		if err := c.waitReady(ctx, m, svc); err != nil {
			return err
		}
	}
	return nil
}

// composeUp runs `compose up` for svcs' containers. compose takes one
// environment per call: services that share one are recreated together.
func (c *DockerControl) composeUp(ctx context.Context, m config.Mode, svcs []string) error {
	var envs []string
	groups := map[string][]string{} // by their own variables
	for _, svc := range svcs {
		own := strings.Join(pairs(c.env[m][svc]), "\x00")
		if _, ok := groups[own]; !ok {
			envs = append(envs, own)
		}
		groups[own] = append(groups[own], svc)
	}
	for _, own := range envs {
		cc := *c.Compose
		cc.Env = slices.Clone(c.Compose.Env)
		if p, ok := c.propagation[m]; ok {
			cc.Env = append(cc.Env, "TRACE_PROPAGATION="+string(p))
		}
		if own != "" {
			cc.Env = append(cc.Env, strings.Split(own, "\x00")...)
		}
		args := []string{"--profile", string(m), "up", "-d", "--no-deps"}
		for _, svc := range groups[own] {
			args = append(args, container(m, svc))
		}
		if err := cc.Run(ctx, io.Discard, args...); err != nil {
			return err
		}
	}
	return nil
}

// pairs are vars as NAME=value, in name order.
func pairs(vars map[string]string) []string {
	out := make([]string, 0, len(vars))
	for _, k := range slices.Sorted(maps.Keys(vars)) {
		out = append(out, k+"="+vars[k])
	}
	return out
}

// envList is vars as NAME=value, in name order, for a message.
func envList(vars map[string]string) string { return strings.Join(pairs(vars), " ") }
