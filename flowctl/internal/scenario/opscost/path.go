package opscost

import (
	"slices"

	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/platform/topology"
)

// entryService is where an order enters the system.
const entryService = topology.OrderSvc

// orderPath is what has to be healthy for an order to complete in mode, read
// from the topology table rather than written down here.
type orderPath struct {
	Services []string
	// Topics carry the order between the services (events); they live in
	// the broker, so they are listed but not counted as things of their own.
	Topics []string
	Broker bool
}

// Count is how many things had to be healthy: the services, and the broker
// when the path runs through one.
func (p orderPath) Count() int {
	n := len(p.Services)
	if p.Broker {
		n++
	}
	return n
}

// pathOf follows an order through the topology table. Events: from
// order-svc, every topic a service on the path produces and every service
// consuming one, until nothing new joins, plus the broker that holds the
// topics. Sync: order-svc and each service whose answer it waits for — the
// producers of the topics it consumes in events mode, which in sync mode it
// calls instead (order-svc/app wires the same two as REST clients).
func pathOf(m stackmode.Mode) orderPath {
	p := orderPath{Services: []string{entryService}}
	if m == stackmode.Sync {
		for _, topic := range topology.MustOf(entryService).Consumes {
			for _, s := range topology.Services {
				if slices.Contains(s.Produces, topic) && !slices.Contains(p.Services, s.Name) {
					p.Services = append(p.Services, s.Name)
				}
			}
		}
		return p
	}
	p.Broker = true
	for i := 0; i < len(p.Services); i++ {
		for _, topic := range topology.MustOf(p.Services[i]).Produces {
			if slices.Contains(p.Topics, topic) {
				continue
			}
			p.Topics = append(p.Topics, topic)
			for _, s := range topology.Services {
				if slices.Contains(s.Consumes, topic) && !slices.Contains(p.Services, s.Name) {
					p.Services = append(p.Services, s.Name)
				}
			}
		}
	}
	return p
}
