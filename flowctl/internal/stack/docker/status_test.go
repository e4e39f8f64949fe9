package docker

import (
	"fmt"
	"strings"
	"testing"

	"github.com/orderflow/flowctl/internal/stackmode"
)

// inspectJSON is `docker inspect` of one container as compose names it.
func inspectJSON(name string, number int, status, health string) string {
	h := "null"
	if health != "" {
		h = fmt.Sprintf(`{"Status": %q}`, health)
	}
	return fmt.Sprintf(`{"Id": %q, "Name": "/orderflow-%s-%d", "State": {"Running": %t, "Status": %q, "Health": %s},
		"Config": {"Labels": {"com.docker.compose.container-number": "%d"}}}`, name, name, number, status == "running", status, h, number)
}

// TestStackStatesListsReplicas: on PostgreSQL each service is its
// balancer (over how many replicas run, how many are ready) followed by
// its replicas by number, each ready only when its health check passes;
// on SQLite a container per service; then the store.
func TestStackStatesListsReplicas(t *testing.T) {
	m := stackmode.Events
	all, err := parseInspect([]byte("[" + strings.Join([]string{
		inspectJSON("inventory-svc-events-lb", 1, "running", ""),
		inspectJSON("inventory-svc-events-r", 3, "running", "starting"),
		inspectJSON("inventory-svc-events-r", 1, "running", "healthy"),
		inspectJSON("inventory-svc-events-r", 2, "exited", "unhealthy"),
		inspectJSON("order-svc-events", 1, "running", "healthy"),
	}, ",") + "]"))
	if err != nil {
		t.Fatal(err)
	}
	byService := map[string][]inspected{}
	for _, in := range all {
		byService[in.ID] = append(byService[in.ID], in)
	}
	answers := func(port int) bool { return port == 8182 }
	var got []string
	for _, s := range stackStates(m, true, byService, answers) {
		got = append(got, fmt.Sprintf("%s %s ours=%t ready=%t %s", s.Name, s.Addr, s.Ours, s.Ready, s.Detail))
	}
	want := []string{
		"inventory-svc 127.0.0.1:8182 ours=true ready=true balancer orderflow-inventory-svc-events-lb-1 over 2 replica(s), 1 ready",
		"inventory-svc#1 orderflow-inventory-svc-events-r-1:8080 ours=true ready=true container orderflow-inventory-svc-events-r-1",
		"inventory-svc#2 orderflow-inventory-svc-events-r-2:8080 ours=false ready=false container orderflow-inventory-svc-events-r-2 (exited)",
		"inventory-svc#3 orderflow-inventory-svc-events-r-3:8080 ours=true ready=false container orderflow-inventory-svc-events-r-3 (health check: starting)",
		"store  ours=true ready=true PostgreSQL, database orderflow_events in compose service postgres",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("on PostgreSQL:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	got = nil
	for _, s := range stackStates(m, false, byService, answers) {
		got = append(got, fmt.Sprintf("%s ready=%t %s", s.Name, s.Ready, s.Detail))
	}
	want = []string{"order-svc ready=true container orderflow-order-svc-events-1", "store ready=true SQLite, a volume per service"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("on SQLite:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if rows := stackStates(stackmode.Sync, true, byService, answers); rows != nil {
		t.Errorf("a stack without containers: %v, want no rows", rows)
	}
}
