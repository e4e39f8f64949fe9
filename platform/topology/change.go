package topology

import "slices"

// SyncSystem is the sync stack's services with the fraud check on or off:
// no topics, only order-svc's calls (its chain: the reservation, the check
// when on, the invoice). fraud-svc is listed as System lists it, idle when
// nobody calls it.
func SyncSystem(fraudCheck bool) []Service {
	calls := []string{InventorySvc, InvoicingSvc}
	if fraudCheck {
		calls = []string{InventorySvc, FraudSvc, InvoicingSvc}
	}
	out := make([]Service, 0, len(Services)+1)
	for _, s := range append(slices.Clone(Services), fraud) {
		c := Service{Name: s.Name, PortOffset: s.PortOffset}
		if s.Name == OrderSvc {
			c.Calls = calls
		}
		out = append(out, c)
	}
	return out
}

// Change is what moving a stack from one system to another does to its
// services: the ones that appear start, the ones that go stop, and the ones
// whose wiring (topics consumed or produced, calls) differs restart.
type Change struct {
	Started, Restarted, Stopped []string
}

// Diff is the change from before to after, each list in after's (Stopped:
// before's) order. A service whose entry is the same in both is untouched:
// nothing about the change reaches it.
func Diff(before, after []Service) Change {
	var c Change
	for _, a := range after {
		i := slices.IndexFunc(before, func(b Service) bool { return b.Name == a.Name })
		switch {
		case i < 0:
			c.Started = append(c.Started, a.Name)
		case !sameWiring(before[i], a):
			c.Restarted = append(c.Restarted, a.Name)
		}
	}
	for _, b := range before {
		if !slices.ContainsFunc(after, func(a Service) bool { return a.Name == b.Name }) {
			c.Stopped = append(c.Stopped, b.Name)
		}
	}
	return c
}

// Touched are the services the change starts, restarts or stops.
func (c Change) Touched() []string {
	return slices.Concat(c.Started, c.Restarted, c.Stopped)
}

func sameWiring(a, b Service) bool {
	return slices.Equal(a.Consumes, b.Consumes) && slices.Equal(a.Produces, b.Produces) && slices.Equal(a.Calls, b.Calls)
}
