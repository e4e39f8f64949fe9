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

// pathOf follows an order through the topology table of m's saga style.
// Brokered: from order-svc, every topic a service on the path produces that
// a service consumes, and every service consuming one, until nothing new
// joins, plus the broker that holds the topics (a topic nobody consumes,
// such as orders.v1 when orchestrated, carries no order between services).
// Sync: order-svc and each service whose answer it waits for — the
// producers of the topics it consumes in choreography, which in sync mode it
// calls instead (order-svc/app wires the same two as REST clients).
func pathOf(m stackmode.Mode) orderPath {
	p := orderPath{Services: []string{entryService}}
	if !m.Kafka() {
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
	all := m.Services()
	of := func(name string) topology.Service {
		return all[slices.IndexFunc(all, func(s topology.Service) bool { return s.Name == name })]
	}
	for i := 0; i < len(p.Services); i++ {
		for _, topic := range of(p.Services[i]).Produces {
			if slices.Contains(p.Topics, topic) {
				continue
			}
			for _, s := range all {
				if !slices.Contains(s.Consumes, topic) {
					continue
				}
				if !slices.Contains(p.Topics, topic) {
					p.Topics = append(p.Topics, topic)
				}
				if !slices.Contains(p.Services, s.Name) {
					p.Services = append(p.Services, s.Name)
				}
			}
		}
	}
	return p
}
