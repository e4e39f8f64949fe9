package stack

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/platform/config"
)

// CheckEnv accepts only the variables of config.Vars for svc of flowctl's
// services: SetEnv changes how a service runs, never how the stack is wired
// (ports, databases, brokers stay flowctl's).
func CheckEnv(svc string, vars map[string]string) error {
	if !slices.Contains(AllServices(), svc) {
		return fmt.Errorf("service %q: use one of %s", svc, strings.Join(AllServices(), ", "))
	}
	for _, k := range slices.Sorted(maps.Keys(vars)) {
		switch k {
		case "FRAUD_CHECK":
			return fmt.Errorf("FRAUD_CHECK is the whole stack's; set it with `flowctl up --fraud-check`")
		case "MODE", "SAGA", "HTTP_ADDR", "DB_PATH", "KAFKA_BROKERS", "INVENTORY_URL", "INVOICING_URL", "FRAUD_URL", "ADMIN_TOKEN":
			return fmt.Errorf("%s is how flowctl wires the stack; set it with `flowctl up`, not per service", k)
		}
		if !slices.ContainsFunc(config.Vars, func(v config.Var) bool { return v.Name == k }) {
			return fmt.Errorf("%s is not a variable the services read (see `flowctl env`)", k)
		}
	}
	return nil
}

// WithEnv is all[m] with svc's variables replaced by vars (an empty map
// drops them).
func WithEnv(all map[stackmode.Mode]map[string]map[string]string, m stackmode.Mode, svc string, vars map[string]string) {
	if all[m] == nil {
		all[m] = map[string]map[string]string{}
	}
	if len(vars) == 0 {
		delete(all[m], svc)
		return
	}
	all[m][svc] = maps.Clone(vars)
}

// SetEnv checks vars, sets them as svc's in all and restarts svc with
// restart; when the restart fails the previous variables come back, so a
// later start does not bring svc back with the switch half set. Each
// runtime's SetEnv is this with its own restart.
func SetEnv(all map[stackmode.Mode]map[string]map[string]string, m stackmode.Mode, svc string, vars map[string]string, restart func() error) error {
	if err := CheckEnv(svc, vars); err != nil {
		return err
	}
	prev := maps.Clone(all[m][svc])
	WithEnv(all, m, svc, vars)
	if err := restart(); err != nil {
		WithEnv(all, m, svc, prev)
		return err
	}
	return nil
}

// Pairs are vars as NAME=value, in name order.
func Pairs(vars map[string]string) []string {
	out := make([]string, 0, len(vars))
	for _, k := range slices.Sorted(maps.Keys(vars)) {
		out = append(out, k+"="+vars[k])
	}
	return out
}

// EnvList is vars as NAME=value, in name order, for a message.
func EnvList(vars map[string]string) string { return strings.Join(Pairs(vars), " ") }
