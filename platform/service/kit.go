// Package service is what every service's wiring shares: logger, tracing,
// metrics registry, the HTTP server, and (events mode) the Kafka publisher,
// outbox relay and consumers. A service's app package picks the parts it
// needs; nothing in here knows which service it is.
package service

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"maps"
	"os"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/database"
	"github.com/orderflow/platform/faults"
	"github.com/orderflow/platform/httpserver"
	"github.com/orderflow/platform/kafkabus"
	"github.com/orderflow/platform/telemetry"
)

// Options are the seams tests use; zero values mean "as in production".
type Options struct {
	// Exporter receives spans in-process (tests) instead of OTLP.
	Exporter sdktrace.SpanExporter
	// LogWriter receives the JSON logs (default stdout).
	LogWriter io.Writer
	// Getenv reads the OTEL_* variables (default none).
	Getenv func(string) string
}

// Kit holds a service's cross-cutting parts.
type Kit struct {
	Config      config.Config
	Logger      *slog.Logger
	Tracing     *telemetry.Tracing
	Tracer      trace.Tracer
	Registry    *prometheus.Registry
	Propagation kafkabus.Propagation
	// Faults are injected through /admin/faults (only with ADMIN_TOKEN).
	Faults *faults.Injector
	// Knobs are the service's concurrency settings beyond the HTTP limit,
	// shown on GET /admin/knobs (e.g. order-svc's client pool); set them
	// while wiring, before HTTP serves.
	Knobs     map[string]any
	messaging *Messaging
}

// New builds the kit for cfg.
func New(ctx context.Context, cfg config.Config, opts Options) (*Kit, error) {
	w := opts.LogWriter
	if w == nil {
		w = os.Stdout
	}
	logger := telemetry.NewLogger(w, cfg.Service, string(cfg.Mode), cfg.LogLevel)
	tr, err := telemetry.Setup(ctx, telemetry.Options{
		ServiceName: cfg.TraceServiceName(),
		Mode:        cfg.TraceNamespace(),
		Propagate:   cfg.TracePropagation != config.PropagationOff,
		Exporter:    opts.Exporter,
		Getenv:      opts.Getenv,
	})
	if err != nil {
		return nil, err
	}
	return &Kit{
		Config:      cfg,
		Logger:      logger,
		Tracing:     tr,
		Tracer:      tr.Provider.Tracer("github.com/orderflow/" + cfg.Service),
		Registry:    httpserver.NewRegistry(),
		Propagation: kafkabus.Propagation{Mode: cfg.TracePropagation, Propagator: tr.Propagator},
		Faults:      faults.New(),
		Knobs:       map[string]any{},
	}, nil
}

// HTTP returns the service's echo server with the platform routes.
// schema, when set, is the database's migration history /readyz shows.
func (k *Kit) HTTP(schema any, ready ...httpserver.Check) *echo.Echo {
	e := httpserver.New(httpserver.Options{
		Schema:      schema,
		Service:     k.Config.Service,
		Mode:        string(k.Config.Mode),
		Logger:      k.Logger,
		Tracer:      k.Tracing.Provider,
		Propagator:  k.Tracing.Propagator,
		Registry:    k.Registry,
		Ready:       ready,
		Limit:       httpserver.Limit{MaxInFlight: k.Config.HTTPMaxInFlight, QueueWait: k.Config.HTTPQueueWait},
		Knobs:       k.knobs,
		BodyTimeout: k.Config.HTTPBodyTimeout,
		Access:      httpserver.Access{AllowedHosts: k.Config.HTTPAllowedHosts},
	})
	e.Use(k.Faults.Middleware)
	k.Faults.Register(e, k.Config.AdminToken)
	return e
}

// knobs are Knobs plus, in events mode, the saga style and what bounds consumption: a
// partition is worked by one worker at a time, in batches of at most
// CONSUMER_BATCH_MAX events gathered for at most CONSUMER_BATCH_WAIT. The
// fraud check shows only when on, so a stack without it answers as before.
func (k *Kit) knobs() map[string]any {
	out := maps.Clone(k.Knobs)
	if k.Config.FraudCheck {
		out["FRAUD_CHECK"] = "on"
	}
	if m := k.messaging; m != nil {
		out["SAGA"] = string(k.Config.Saga)
		out["KAFKA_PARTITIONS"] = k.Config.Partitions
		out["CONSUMER_BATCH_MAX"] = k.Config.ConsumerBatchMax
		out["CONSUMER_BATCH_WAIT"] = k.Config.ConsumerBatchWait.String()
		out["consumers"] = len(m.Consumers)
	}
	return out
}

// Shutdown flushes telemetry.
func (k *Kit) Shutdown(ctx context.Context) error { return k.Tracing.Shutdown(ctx) }

// WatchStore exposes how often db's transactions were run again for
// PostgreSQL (db_serialization_retries_total, by operation; database.Reruns).
// SQLite's one writer never reruns: it has no such metric.
func (k *Kit) WatchStore(db *sql.DB) {
	if r := database.RerunsOf(db); r != nil {
		k.Registry.MustRegister(r)
	}
}
