package dashboard

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/orderflow/platform/kafkaconf"
	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/kafkalog"
)

// ServiceState is what a service says about itself: whether it answers and
// the faults it was told to inject.
type ServiceState struct {
	Up     bool        `json:"up"`
	Faults *api.Faults `json:"faults,omitempty"`
	Error  string      `json:"error,omitempty"`
}

// Observation is one stack as last asked: what runs, what is broken and the
// numbers it reports. The page's "broken" widget and the figures read it.
type Observation struct {
	Mode string `json:"mode"`
	// Up: the stack's order-svc answers /healthz.
	Up       bool                    `json:"up"`
	At       time.Time               `json:"at"`
	Services map[string]ServiceState `json:"services"`
	Broker   *ServiceState           `json:"broker,omitempty"`
	// Kafka: the stack's services talk through Kafka (lag, outbox and dead
	// letters mean something there).
	Kafka       bool   `json:"kafka"`
	Runtime     string `json:"runtime,omitempty"`
	Propagation string `json:"propagation,omitempty"`
}

// observation adds the numbers behind the figures to Observation.
type observation struct {
	Observation
	outbox         float64
	outboxOK       bool
	outboxWhy      string
	outboxN        int
	lag            int64
	lagOK          bool
	lagWhy         string
	lagRows        []kafkalog.GroupPartitionLag
	deadLetters    int64
	deadLettersOK  bool
	deadLettersWhy string
}

// quickTimeout bounds each question to a service: a stack that hangs is
// shown as not answering, not waited for.
const quickTimeout = 2 * time.Second

func (s *Server) observeLoop(ctx context.Context, ms *modeState) {
	for {
		o := s.observe(ctx, ms)
		if ctx.Err() != nil {
			return
		}
		ms.mu.Lock()
		ms.obs = o
		ms.mu.Unlock()
		s.hub.publish("stack", o.Observation)
		select {
		case <-ctx.Done():
			return
		case <-ms.poke:
		case <-time.After(s.cfg.Poll):
		}
	}
}

// observe asks every service of the stack, and the broker for the events
// stack, how it is.
func (s *Server) observe(ctx context.Context, ms *modeState) observation {
	o := observation{Observation: Observation{Mode: string(ms.mode), Kafka: ms.mode.Kafka(), At: time.Now().UTC(), Services: map[string]ServiceState{}}}
	if ctl, err := s.control(ctx); err == nil {
		o.Runtime, o.Propagation = ctl.Runtime(), string(ctl.Propagation(ms.mode))
	}
	var outbox float64
	outboxRead := false
	for _, svc := range topology.Names() {
		base := ms.urls[svc]
		st := ServiceState{Up: api.Healthy(ctx, base)}
		if st.Up {
			f, err := ms.target.Admin[svc].GetFaults(ctx)
			switch {
			case errors.Is(err, api.ErrNoAdmin):
				st.Error = "no /admin/faults (started without ADMIN_TOKEN)"
			case err != nil:
				st.Error = err.Error()
			default:
				st.Faults = &f
			}
			if m, err := api.GetMetrics(ctx, base, &http.Client{Timeout: quickTimeout}); err == nil {
				if v, ok := m["outbox_pending_events"]; ok {
					outbox, outboxRead = outbox+v, true
					o.outboxN++
				}
			}
		}
		o.Services[svc] = st
	}
	o.Up = o.Services[topology.OrderSvc].Up
	o.outbox, o.outboxOK = outbox, outboxRead
	if !outboxRead {
		o.outboxWhy = "no outbox"
		if !o.Up {
			o.outboxWhy = "stack not running"
		}
	}
	if !ms.mode.Kafka() {
		o.lagWhy, o.deadLettersWhy = "no Kafka", "no Kafka"
		return o
	}
	if len(s.cfg.Brokers) == 0 {
		o.lagWhy, o.deadLettersWhy = "no broker configured", "no broker configured"
		return o
	}
	kctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	brokerUp := kafkaconf.Ping(kctx, s.cfg.Brokers) == nil
	o.Broker = &ServiceState{Up: brokerUp}
	if !brokerUp {
		o.Broker.Error = "no broker answers at " + strings.Join(s.cfg.Brokers, ",")
		o.lagWhy, o.deadLettersWhy = "broker down", "broker down"
		return o
	}
	if rows, err := kafkalog.StackLag(kctx, s.cfg.Brokers, kafkalog.LogOf(ms.mode, s.cfg.TopicPrefix)); err != nil {
		o.lagWhy = "lag unreadable: " + err.Error()
	} else {
		o.lagRows, o.lagOK = rows, true
		for _, r := range rows {
			o.lag += r.Lag
		}
	}
	if n, err := kafkalog.Records(kctx, s.cfg.Brokers, kafkalog.LogOf(ms.mode, s.cfg.TopicPrefix).DLQTopics()...); err != nil {
		o.deadLettersWhy = "dead-letter topics unreadable: " + err.Error()
	} else {
		o.deadLetters, o.deadLettersOK = n, true
	}
	return o
}

// figuresLoop publishes the stack's figures once a poll period, and as soon
// as an order becomes final, so that they never lag the rows by a poll.
func (s *Server) figuresLoop(ctx context.Context, ms *modeState) {
	for {
		s.hub.publish("figures", s.figures(ms))
		select {
		case <-ctx.Done():
			return
		case <-time.After(s.cfg.Poll):
		case <-ms.finals:
			// Under load orders turn final in bursts: one update per burst.
			if !sleep(ctx, finalsBurst) {
				return
			}
		}
	}
}

// finalsBurst is how long the figures wait after an order became final for
// the others finishing with it: at most 20 updates a second per stack.
const finalsBurst = 50 * time.Millisecond

// figures combines the orders placed here with what the stack reports.
func (s *Server) figures(ms *modeState) Figures {
	f := latencyFigures(string(ms.mode), ms.tracker.recent(s.cfg.Window), s.cfg.Window)
	ms.mu.Lock()
	o := ms.obs
	ms.mu.Unlock()
	f.Outbox = countFigure(o.outbox, o.outboxOK, o.outboxN, fmt.Sprintf(" (%d services)", o.outboxN), o.outboxWhy)
	f.Lag = countFigure(float64(o.lag), o.lagOK, len(o.lagRows), fmt.Sprintf(" (%d partitions)", len(o.lagRows)), o.lagWhy)
	f.LagRows = o.lagRows
	if ms.mode.Kafka() {
		f.DLQTopics = kafkalog.LogOf(ms.mode, s.cfg.TopicPrefix).DLQTopics()
	}
	dlqTopics := len(f.DLQTopics)
	f.DeadLetters = countFigure(float64(o.deadLetters), o.deadLettersOK, dlqTopics, fmt.Sprintf(" (%d topics)", dlqTopics), o.deadLettersWhy)
	if o.At.IsZero() {
		why := "not asked yet"
		f.Outbox, f.Lag, f.DeadLetters = Figure{Text: "– (" + why + ")"}, Figure{Text: "– (" + why + ")"}, Figure{Text: "– (" + why + ")"}
	}
	return f
}
