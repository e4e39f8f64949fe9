// Package dashboard serves the live dashboard of `flowctl dashboard`: a page
// (embedded HTML, CSS and JavaScript; no build step, nothing fetched from
// elsewhere) showing the sync and events stacks side by side, and the JSON
// API and Server-Sent Events stream behind it. The services' admin token
// stays here: the page asks this server, which calls the services with it.
package dashboard

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/scenario"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// Stack is one stack the dashboard shows: its services' base URLs.
type Stack struct {
	Mode stackmode.Mode
	URLs map[string]string // by service name
}

// Config is what the dashboard works with.
type Config struct {
	Stacks []Stack
	// Token is the services' admin token (for faults); never sent to the page.
	Token string
	// Brokers and TopicPrefix are where the events stack's Kafka is.
	Brokers     []string
	TopicPrefix string
	// Jaeger is Jaeger's base URL ("" when there is none).
	Jaeger string
	// Control stops and starts services and the broker; it is asked for
	// when first needed, as the stacks may come up after the dashboard.
	Control func(ctx context.Context) (scenario.Control, error)
	// Reports are directories holding compare reports (<dir>/<run>/report.html).
	Reports []string
	// Size sizes the scenarios run from the page.
	Size scenario.Size
	// Window is how many of the newest orders the figures cover.
	Window int
	// Poll is how often the stacks are asked how they are.
	Poll time.Duration
	// Public allows a Host header that is not loopback (a dashboard served
	// on purpose beyond this machine); New then sets a Key if none is given.
	Public bool
	// Key, when set, is wanted on every /api/ call (see KeyHeader).
	Key string
	// Lock takes the stacks' run locks for a scenario or load from the
	// page; nil takes none.
	Lock Locker
}

// Server is the dashboard.
type Server struct {
	cfg   Config
	hub   *hub
	modes map[stackmode.Mode]*modeState
	order []stackmode.Mode
	scen  *scenarioRunner
	// scanLimit bounds the events read to find what inventory-svc said
	// about one order (maxScan; smaller in tests).
	scanLimit int64

	ctlMu sync.Mutex
	ctl   scenario.Control

	// ctx is Start's: loads and scenarios outlive the request that began them.
	ctxMu sync.Mutex
	ctx   context.Context
}

// modeState is one stack's clients, orders and last observation.
type modeState struct {
	mode    stackmode.Mode
	urls    map[string]string
	orders  *api.Orders
	target  scenario.Target
	tracker *tracker
	// loading is set while a rate run from the page places orders.
	loading atomic.Bool
	// seq numbers the orders placed here (load.Mix's i).
	seq atomic.Int64
	// stockLeft counts the single orders the last top-up still serves.
	stockLeft atomic.Int64
	// poke asks for an observation now (after a fault or a stop).
	poke chan struct{}
	// finals asks for the figures now: an order became final, and the
	// figures should count it when its row shows it.
	finals chan struct{}

	mu  sync.Mutex
	obs observation
}

func (ms *modeState) nextSeq() int { return int(ms.seq.Add(1)) }

// New builds the dashboard; Start runs its background work.
func New(cfg Config) (*Server, error) {
	if len(cfg.Stacks) == 0 {
		return nil, errors.New("dashboard: no stack to show")
	}
	if cfg.Window <= 0 {
		cfg.Window = 200
	}
	if cfg.Poll <= 0 {
		cfg.Poll = time.Second
	}
	if cfg.Size == (scenario.Size{}) {
		cfg.Size = scenario.DefaultSize
	}
	if cfg.Public && cfg.Key == "" {
		k, err := NewKey()
		if err != nil {
			return nil, err
		}
		cfg.Key = k
	}
	s := &Server{cfg: cfg, hub: newHub(), modes: map[stackmode.Mode]*modeState{}}
	for _, st := range cfg.Stacks {
		ms := &modeState{mode: st.Mode, urls: st.URLs, target: scenario.NewTarget(st.Mode, st.URLs, cfg.Token),
			poke: make(chan struct{}, 1), finals: make(chan struct{}, 1)}
		ms.target.ReachReplicas(s.control)
		ms.orders = ms.target.Orders
		ms.tracker = newTracker(string(st.Mode), ms.orders, func(v OrderView) {
			s.hub.publish("order", v)
			if v.Final {
				select {
				case ms.finals <- struct{}{}:
				default: // an update is asked for already
				}
			}
		})
		s.modes[st.Mode] = ms
		s.order = append(s.order, st.Mode)
	}
	s.scen = &scenarioRunner{s: s}
	s.scanLimit = maxScan
	return s, nil
}

// Start follows the orders and polls the stacks until ctx ends.
func (s *Server) Start(ctx context.Context) {
	s.ctxMu.Lock()
	s.ctx = ctx
	s.ctxMu.Unlock()
	for _, m := range s.order {
		ms := s.modes[m]
		go ms.tracker.run(ctx)
		go s.observeLoop(ctx, ms)
		go s.figuresLoop(ctx, ms)
	}
}

// baseContext is the context background work runs under.
func (s *Server) baseContext() context.Context {
	s.ctxMu.Lock()
	defer s.ctxMu.Unlock()
	if s.ctx == nil {
		return context.Background()
	}
	return s.ctx
}

// control returns the runtime's control, resolving it on first use.
func (s *Server) control(ctx context.Context) (scenario.Control, error) {
	s.ctlMu.Lock()
	defer s.ctlMu.Unlock()
	if s.ctl != nil {
		return s.ctl, nil
	}
	if s.cfg.Control == nil {
		return nil, errors.New("no runtime control: services cannot be stopped or started from here")
	}
	c, err := s.cfg.Control(ctx)
	if err != nil {
		return nil, err
	}
	s.ctl = newControl(c, s.order)
	return s.ctl, nil
}

// Serve serves the dashboard on ln until ctx ends.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
		_ = srv.Close() // streams do not end by themselves
	}()
	err := srv.Serve(ln)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}
