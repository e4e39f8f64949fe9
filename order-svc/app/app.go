// Package app wires order-svc: it reads nothing from the environment itself
// (main does), so tests can start the service in-process.
package app

import (
	"context"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/database"
	"github.com/orderflow/platform/httpserver"
	"github.com/orderflow/platform/service"
	"github.com/orderflow/platform/topology"

	"github.com/orderflow/order-svc/internal/cancel"
	"github.com/orderflow/order-svc/internal/downstream"
	"github.com/orderflow/order-svc/internal/httpapi"
	"github.com/orderflow/order-svc/internal/order"
	"github.com/orderflow/order-svc/internal/placing"
	"github.com/orderflow/order-svc/internal/store"
)

// Name is the service name.
const Name = topology.OrderSvc

// App is a wired order-svc.
type App struct {
	*service.App
	Store *store.Store
}

// New wires the service for cfg. The mode decides one thing here: which Placer
// the handlers get, and whether the relay and listeners run.
func New(ctx context.Context, cfg config.Config, opts service.Options) (*App, error) {
	kit, err := service.New(ctx, cfg, opts)
	if err != nil {
		return nil, err
	}
	st, err := store.OpenAt(ctx, database.For(cfg.Service, cfg.DBPath, cfg.DatabaseURL))
	if err != nil {
		_ = kit.Shutdown(context.WithoutCancel(ctx)) // the tracer provider runs an exporter
		return nil, err
	}
	a := &App{App: &service.App{Kit: kit, Closers: []func() error{st.Close}}, Store: st}
	kit.WatchStore(st.DB)
	now := func() time.Time { return time.Now().UTC() }
	ready := []httpserver.Check{{Name: "db", Check: func(ctx context.Context) error { return st.Read.PingContext(ctx) }}}

	// crash is the crash_after_commit fault's point in either placer.
	crash := func(ctx context.Context, what string) { kit.Faults.AfterCommit(ctx, kit.Logger, what) }
	var placer placing.Placer
	var canceller cancel.Canceller
	switch cfg.Mode {
	case config.ModeSync:
		hc := downstream.NewHTTPClient(cfg.HTTPClientTimeout, cfg.HTTPClientMaxConns, kit.Tracing.Provider, kit.Tracing.Propagator)
		inv := &downstream.Inventory{BaseURL: cfg.InventoryURL, HTTP: hc}
		bill := &downstream.Invoicing{BaseURL: cfg.InvoicingURL, HTTP: hc}
		sp := &placing.Sync{Store: st, Inventory: inv, Invoicing: bill, Logger: kit.Logger, AfterCommit: crash, Now: now}
		placer, canceller = sp, sp
		if cfg.FraudCheck {
			check := &downstream.Fraud{BaseURL: cfg.FraudURL, HTTP: hc}
			sp.Fraud = check
			ready = append(ready, httpserver.Check{Name: topology.FraudSvc, Check: check.Ping})
		}
		kit.Knobs["HTTP_CLIENT_MAX_CONNS"] = cfg.HTTPClientMaxConns
		kit.Knobs["HTTP_CLIENT_TIMEOUT"] = cfg.HTTPClientTimeout.String()
		ready = append(ready, httpserver.Check{Name: topology.InventorySvc, Check: inv.Ping}, httpserver.Check{Name: topology.InvoicingSvc, Check: bill.Ping})
	case config.ModeEvents:
		m := kit.Messaging(st.DB, st.Read)
		sg := sagaFor(cfg.Saga, cfg.FraudCheck, m, now)
		m.Consume(st.DB, sg.routes, sg.out)
		ce := &cancel.Events{Store: st, Outbox: sg.out, Tracer: kit.Tracer, Parent: kit.Propagation.ConsumerStart, Saga: sg.cancelled, Now: now}
		canceller = ce
		if d := cfg.OrderDeadline; d > 0 {
			sw := &cancel.Sweeper{Events: ce, Deadline: d, Logger: kit.Logger}
			a.Parts = append(a.Parts, sw.Run)
		}
		kit.Knobs["ORDER_DEADLINE"] = deadlineKnob(cfg.OrderDeadline)
		ev := &placing.Events{Store: st, Outbox: sg.out, AfterCommit: crash, Saga: sg.start, Now: now}
		if cfg.OrderPublish == config.PublishDirect {
			ev.Direct = &placing.DirectPublish{Publisher: m.Publisher, Topic: ev.Outbox.Topic}
			kit.Logger.WarnContext(ctx, "ORDER_PUBLISH=direct is on: OrderPlaced is published straight after the commit, without the outbox; "+
				"a crash in between loses the event and the order stays PENDING forever. This switch exists only for the dual-write lesson (flowctl scenario dual-write); unset it for anything else",
				"order_publish", cfg.OrderPublish)
		}
		kit.Knobs["ORDER_PUBLISH"] = string(cfg.OrderPublish)
		placer = ev
		ready = append(ready, m.ReadyChecks()...)
		a.Messaging = m
	default:
		a.Close()
		return nil, fmt.Errorf("unknown mode %q", cfg.Mode)
	}

	registerOrderGauge(kit.Registry, st)
	a.Echo = kit.HTTP(st.Schema, ready...)
	if err := (&httpapi.API{Placer: placer, Canceller: canceller, Store: st}).Register(a.Echo); err != nil {
		a.Close()
		return nil, fmt.Errorf("routes: %w", err)
	}
	return a, nil
}

func registerOrderGauge(reg *prometheus.Registry, st *store.Store) {
	reg.MustRegister(orderCounts{st: st, desc: prometheus.NewDesc("orders", "Orders in the database by status.", []string{"status"}, nil)})
}

// orderCounts reports every status from one GROUP BY per scrape (a gauge per
// status would run the same query five times).
type orderCounts struct {
	st   *store.Store
	desc *prometheus.Desc
}

func (c orderCounts) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c orderCounts) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	counts, err := c.st.Counts(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.desc, err)
		return
	}
	for _, s := range order.Statuses() {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(counts[s]), string(s))
	}
}

// deadlineKnob is ORDER_DEADLINE as /admin/knobs shows it.
func deadlineKnob(d time.Duration) string {
	if d == 0 {
		return "off"
	}
	return d.String()
}
