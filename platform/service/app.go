package service

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/database"
	"github.com/orderflow/platform/httpserver"
	"github.com/orderflow/platform/runner"
)

// App is a wired service: its HTTP API plus, in events mode, its messaging parts.
type App struct {
	Kit       *Kit
	Echo      *echo.Echo
	Messaging *Messaging // nil in sync mode
	// Parts are the service's own long-running functions (order-svc's
	// deadline sweeper), run beside the HTTP server and the messaging parts.
	Parts []runner.Func
	// Closers run after the parts stopped (the service's store, typically).
	Closers []func() error
}

// Handler is the HTTP API (for httptest).
func (a *App) Handler() http.Handler { return a.Echo }

// Run serves on ln and runs the messaging parts until ctx ends or one fails,
// then closes everything and flushes telemetry.
func (a *App) Run(ctx context.Context, ln net.Listener) error {
	cfg := a.Kit.Config
	a.Kit.Logger.InfoContext(ctx, cfg.Service+" started", "addr", ln.Addr().String(), "mode", cfg.Mode,
		"trace_propagation", cfg.TracePropagation, "traces", a.Kit.Tracing.Exporting, "db", storeName(cfg), "kafka", cfg.KafkaBrokers)
	parts := []runner.Func{func(ctx context.Context) error { return httpserver.Serve(ctx, a.Echo, ln) }}
	if a.Messaging != nil {
		parts = append(parts, a.Messaging.Parts()...)
	}
	parts = append(parts, a.Parts...)
	if addr := cfg.PprofAddr; addr != "" {
		parts = append(parts, func(ctx context.Context) error { return servePprof(ctx, addr) })
		a.Kit.Logger.InfoContext(ctx, "profiles served", "pprof", "http://"+addr+"/debug/pprof/")
	}
	err := runner.Run(ctx, parts...)
	a.Close()
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	a.Kit.Logger.Info(cfg.Service+" stopped", "err", err)
	return err
}

// Close releases writers, closers and telemetry (Run calls it).
func (a *App) Close() {
	if a.Messaging != nil {
		a.Messaging.Close()
	}
	for _, c := range a.Closers {
		_ = c()
	}
	sctx, cancel := context.WithTimeout(context.Background(), config.FlushTimeout)
	defer cancel()
	_ = a.Kit.Shutdown(sctx)
}

// Builder wires one service for a configuration.
type Builder func(ctx context.Context, cfg config.Config, opts Options) (*App, error)

// Main is the body of every service's run(ctx, args, getenv, stdout, stderr):
// configuration from the environment, wiring, listen, run.
func Main(ctx context.Context, name string, args []string, getenv func(string) string, stdout io.Writer, build Builder) error {
	if len(args) > 1 {
		return fmt.Errorf("unexpected argument %q: %s is configured by environment variables (see the README's table)", args[1], name)
	}
	cfg, err := config.Load(name, getenv)
	if err != nil {
		return err
	}
	a, err := build(ctx, cfg, Options{LogWriter: stdout, Getenv: getenv})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		a.Close()
		return fmt.Errorf("listen on %s: %w (another process uses the port? stop it or set HTTP_ADDR)", cfg.HTTPAddr, err)
	}
	return a.Run(ctx, ln)
}

// storeName names the service's database for the start-up log: the SQLite
// file, or PostgreSQL's schema (never DATABASE_URL, which may hold a password).
func storeName(cfg config.Config) string {
	if cfg.DatabaseURL != "" {
		return "postgres schema " + database.SchemaName(cfg.Service)
	}
	return cfg.DBPath
}
