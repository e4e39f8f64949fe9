// Package app wires inventory-svc so tests can start it in-process.
package app

import (
	"context"
	"fmt"
	"time"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/database"
	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/httpserver"
	"github.com/orderflow/platform/outbox"
	"github.com/orderflow/platform/service"
	"github.com/orderflow/platform/topology"

	"github.com/orderflow/inventory-svc/internal/httpapi"
	"github.com/orderflow/inventory-svc/internal/listen"
	"github.com/orderflow/inventory-svc/internal/store"
)

// Name is the service name.
const Name = topology.InventorySvc

// App is a wired inventory-svc.
type App struct {
	*service.App
	Store *store.Store
}

// New wires the service. The REST API is the same in both modes, except that
// events mode refuses the reservation writes (events own them there); events
// mode adds the orders.v1 and invoicing.v1 listener, the outbox relay, and
// the stock movements' events.
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
	// Stock movements are announced on inventory.v1 in events mode only; in
	// sync mode nobody consumes them, so the handlers get no outbox.
	var movements httpapi.Outbox
	switch cfg.Mode {
	case config.ModeSync:
	case config.ModeEvents:
		m := kit.Messaging(st.DB, st.Read)
		onInventory := m.OutboxTo(events.TopicInventory)
		consumeSaga(m, st, &listen.Handler{Now: now}, cfg.Saga, onInventory)
		movements = onInventory
		ready = append(ready, m.ReadyChecks()...)
		a.Messaging = m
	default:
		a.Close()
		return nil, fmt.Errorf("unknown mode %q", cfg.Mode)
	}
	a.Echo = kit.HTTP(st.Schema, ready...)
	if err := (&httpapi.API{Store: st, Now: now, Outbox: movements, Mode: cfg.Mode}).Register(a.Echo); err != nil {
		a.Close()
		return nil, fmt.Errorf("routes: %w", err)
	}
	return a, nil
}

// consumeSaga picks the saga style's handlers, the one place that does: in
// choreography the order events (answers on inventory.v1, with the
// movements), in orchestration the commands (replies on the orchestrator's
// reply channel). Either way the transactions queue on the stock table's
// lock (store.LockStock): every order updates one of a few stock rows.
func consumeSaga(m *service.Messaging, st *store.Store, h *listen.Handler, style topology.Style, choreographyAnswers *outbox.Writer) {
	if style == topology.Orchestration {
		m.ConsumeLocked(st.DB, st.LockStock, h.CommandRoutes(), m.OutboxTo(events.TopicSagaReplies))
		return
	}
	m.ConsumeLocked(st.DB, st.LockStock, h.Routes(), choreographyAnswers)
}
