// Package app wires invoicing-svc so tests can start it in-process.
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

	"github.com/orderflow/invoicing-svc/internal/httpapi"
	"github.com/orderflow/invoicing-svc/internal/listen"
	"github.com/orderflow/invoicing-svc/internal/store"
)

// Name is the service name.
const Name = topology.InvoicingSvc

// App is a wired invoicing-svc.
type App struct {
	*service.App
	Store *store.Store
}

// New wires the service. The REST API is the same in both modes (in events
// mode its sync-only writes refuse: the events charge and void); events mode
// adds the inventory.v1 and orders.v1 listener and the outbox relay.
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
	// One ledger for both doors: the events (listen) and REST (httpapi).
	ledger := store.Ledger{DefaultLimitCents: cfg.DefaultCreditLimitCents, Decline: kit.Faults.Decline}
	ready := []httpserver.Check{{Name: "db", Check: func(ctx context.Context) error { return st.Read.PingContext(ctx) }}}
	switch cfg.Mode {
	case config.ModeSync:
	case config.ModeEvents:
		m := kit.Messaging(st.DB, st.Read)
		consumeSaga(m, st, &listen.Handler{Now: now, Ledger: ledger}, cfg.Saga, cfg.FraudCheck)
		ready = append(ready, m.ReadyChecks()...)
		a.Messaging = m
	default:
		a.Close()
		return nil, fmt.Errorf("unknown mode %q", cfg.Mode)
	}
	a.Echo = kit.HTTP(st.Schema, ready...)
	if err := (&httpapi.API{Store: st, Now: now, Ledger: ledger, Mode: cfg.Mode}).Register(a.Echo); err != nil {
		a.Close()
		return nil, fmt.Errorf("routes: %w", err)
	}
	return a, nil
}

// consumeSaga picks the saga style's handlers, the one place that does: in
// choreography StockReserved and OrderCancelled (answers on invoicing.v1) —
// FraudCleared instead of StockReserved with the fraud check on —, in
// orchestration the commands (replies on the orchestrator's reply channel),
// with or without the check.
func consumeSaga(m *service.Messaging, st *store.Store, h *listen.Handler, style topology.Style, fraudCheck bool) {
	switch {
	case style == topology.Orchestration:
		m.Consume(st.DB, h.CommandRoutes(), m.OutboxTo(events.TopicSagaReplies))
	case fraudCheck:
		m.Consume(st.DB, h.ClearedRoutes(), m.OutboxTo(events.TopicInvoicing))
	default:
		m.Consume(st.DB, h.Routes(), m.OutboxTo(events.TopicInvoicing))
	}
}
