package topology

import "slices"

// ComposeStacks are the stacks docker-compose.yml runs; a container is
// named "<service>-<stack>" (order-svc-events), and that is the host name
// the other services of its stack call it by.
var ComposeStacks = []string{"sync", "events", "orchestration", "cluster"}

// HostNames are the names a service is called by inside a deployment: its
// own name (a Kubernetes Service, a hand-written compose file) and its
// compose container names, for every service. A service answers requests
// addressed to these (and to loopback); DNS-rebinding pages address it by
// a name of their own, which is refused.
func HostNames() []string {
	var out []string
	for _, s := range append(slices.Clone(Services), fraud) {
		out = append(out, s.Name)
		for _, stack := range ComposeStacks {
			out = append(out, s.Name+"-"+stack)
		}
	}
	return out
}
