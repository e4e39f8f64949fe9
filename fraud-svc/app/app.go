// Package app wires fraud-svc so tests can start it in-process.
package app

import (
	"context"
	"fmt"
	"time"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/database"
	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/httpserver"
	"github.com/orderflow/platform/service"
	"github.com/orderflow/platform/topology"

	"github.com/orderflow/fraud-svc/internal/check"
	"github.com/orderflow/fraud-svc/internal/httpapi"
	"github.com/orderflow/fraud-svc/internal/listen"
	"github.com/orderflow/fraud-svc/internal/store"
)

// Name is the service name.
const Name = topology.FraudSvc

// App is a wired fraud-svc.
type App struct {
	*service.App
	Store *store.Store
}

// New wires the service. The REST API is the same in both modes; events mode
// with FRAUD_CHECK=on adds the consumer of the saga style (StockReserved in
// choreography, CheckFraud in orchestration) and the outbox relay. With the
// check off fraud-svc is on no topic (platform/topology.System).
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
	rule := check.Rule{LimitUnits: cfg.FraudLimitUnits}
	ready := []httpserver.Check{{Name: "db", Check: func(ctx context.Context) error { return st.Read.PingContext(ctx) }}}
	switch {
	case cfg.Mode == config.ModeSync, !cfg.FraudCheck:
	case cfg.Mode == config.ModeEvents:
		m := kit.Messaging(st.DB, st.Read)
		h := &listen.Handler{Now: now, Rule: rule}
		if cfg.Saga == topology.Orchestration {
			m.Consume(st.DB, h.CommandRoutes(), m.OutboxTo(events.TopicSagaReplies))
		} else {
			m.Consume(st.DB, h.Routes(), m.OutboxTo(events.TopicFraud))
		}
		ready = append(ready, m.ReadyChecks()...)
		a.Messaging = m
	default:
		a.Close()
		return nil, fmt.Errorf("unknown mode %q", cfg.Mode)
	}
	a.Echo = kit.HTTP(st.Schema, ready...)
	if err := (&httpapi.API{Store: st, Now: now, Rule: rule}).Register(a.Echo); err != nil {
		a.Close()
		return nil, fmt.Errorf("routes: %w", err)
	}
	return a, nil
}
