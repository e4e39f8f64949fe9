// Package httpserver builds the echo server every service uses: OTel tracing,
// request logs with trace ids, Prometheus metrics, health and readiness,
// problem+json errors, a body limit, and graceful shutdown.
package httpserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	// otelecho v0.71.0 is contrib's last release: it was deprecated in favour of
	// labstack's own echo-opentelemetry module, which this module proxy does not
	// serve. It works with otel v1.47.
	"go.opentelemetry.io/contrib/instrumentation/github.com/labstack/echo/otelecho"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/problem"
)

// MaxBodyBytes is the largest request body any endpoint accepts.
const MaxBodyBytes = 64 << 10

// HeaderTraceID carries the request's trace id back to the client, so flowctl
// can print a Jaeger link for each order it places.
const HeaderTraceID = "X-Trace-Id"

// Check is one readiness check (database, broker, downstream service).
type Check struct {
	Name  string
	Check func(ctx context.Context) error
}

// Options configure New.
type Options struct {
	Service    string
	Mode       string
	Logger     *slog.Logger
	Tracer     trace.TracerProvider
	Propagator propagation.TextMapPropagator
	Registry   *prometheus.Registry
	Ready      []Check
	// Schema, when set, is the database's migration history, shown by /readyz.
	Schema any
	// Limit bounds the API requests served at once.
	Limit Limit
	// Knobs adds the service's other concurrency settings to GET /admin/knobs.
	Knobs func() map[string]any
	// BodyTimeout bounds sending the headers, then the body (0: DefaultBodyTimeout).
	BodyTimeout time.Duration
	// Access refuses what a hostile browser page could send.
	Access Access
}

// MaxHeaderBytes bounds a request's headers (net/http's default is 1 MiB):
// the services' callers send a few hundred bytes. Past it net/http itself
// answers 431 in text/plain, before any handler (docs/operations.md).
const MaxHeaderBytes = 64 << 10

// New returns an echo instance with the platform's middleware and the
// /healthz, /readyz and /metrics routes; the service adds its own routes.
func New(o Options) *echo.Echo {
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = errorHandler(o.Logger)
	if o.BodyTimeout <= 0 {
		o.BodyTimeout = DefaultBodyTimeout
	}
	e.Server.ReadHeaderTimeout = o.BodyTimeout
	e.Server.MaxHeaderBytes = MaxHeaderBytes
	e.Use(middleware.Recover())
	e.Use(obeyUnsampled)
	e.Use(otelecho.Middleware(o.Service,
		otelecho.WithTracerProvider(o.Tracer),
		otelecho.WithPropagators(o.Propagator),
		otelecho.WithSkipper(func(c echo.Context) bool {
			p := c.Path()
			return p == "/healthz" || p == "/readyz" || p == "/metrics" || p == "/admin/knobs"
		})))
	e.Use(traceIDHeader)
	e.Use(metricsMiddleware(o.Registry))
	e.Use(requestLog(o.Logger))
	// The refusals: after metrics and logs, so each is counted and logged;
	// before the handlers, cheapest first, so a refused request costs
	// nothing more. The body is read before the Limit: a slow body must not
	// hold an in-flight slot.
	e.Use(malformed)
	e.Use(o.Access.guard)
	e.Use(readBody(o.BodyTimeout, newReadingGauge(o.Registry)))
	e.Use(limitMiddleware(o.Limit, o.Registry))

	e.GET("/healthz", func(c echo.Context) error {
		return c.JSON(http.StatusOK, map[string]string{"status": "ok", "service": o.Service, "mode": o.Mode})
	})
	e.GET("/readyz", readyHandler(o))
	e.GET("/metrics", echo.WrapHandler(promhttp.HandlerFor(o.Registry, promhttp.HandlerOpts{})))
	e.GET("/admin/knobs", knobsHandler(o))
	return e
}

// Knobs is the body of GET /admin/knobs: the concurrency settings a service
// runs with, so a scenario can print the limits its numbers were measured
// under. Read-only and not secret, hence no token.
type Knobs struct {
	Service string         `json:"service"`
	Mode    string         `json:"mode"`
	Knobs   map[string]any `json:"knobs"`
}

func knobsHandler(o Options) echo.HandlerFunc {
	return func(c echo.Context) error {
		k := map[string]any{"HTTP_MAX_IN_FLIGHT": o.Limit.MaxInFlight, "HTTP_QUEUE_WAIT": o.Limit.QueueWait.String(),
			"HTTP_BODY_TIMEOUT": o.BodyTimeout.String()}
		if o.Knobs != nil {
			for name, v := range o.Knobs() {
				k[name] = v
			}
		}
		return c.JSON(http.StatusOK, Knobs{Service: o.Service, Mode: o.Mode, Knobs: k})
	}
}

// NewRegistry returns a registry with the Go and process collectors.
func NewRegistry() *prometheus.Registry {
	r := prometheus.NewRegistry()
	r.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return r
}

func readyHandler(o Options) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx, cancel := context.WithTimeout(c.Request().Context(), 3*time.Second)
		defer cancel()
		results := map[string]string{}
		status := http.StatusOK
		for _, chk := range o.Ready {
			if err := chk.Check(ctx); err != nil {
				results[chk.Name] = err.Error()
				status = http.StatusServiceUnavailable
			} else {
				results[chk.Name] = "ok"
			}
		}
		word := "ready"
		if status != http.StatusOK {
			word = "not ready"
		}
		body := map[string]any{"status": word, "service": o.Service, "mode": o.Mode, "checks": results}
		if o.Schema != nil {
			body["schema"] = o.Schema
		}
		return c.JSON(status, body)
	}
}

func traceIDHeader(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if id, ok := sampledTraceID(c); ok {
			c.Response().Header().Set(HeaderTraceID, id)
		}
		return next(c)
	}
}

// TooLarge is the problem for a body over MaxBodyBytes.
func TooLarge() *problem.Problem {
	return problem.Validation(fmt.Sprintf("the request body is larger than %d bytes", MaxBodyBytes),
		problem.FieldError{Field: "body", Detail: fmt.Sprintf("at most %d bytes", MaxBodyBytes)})
}

func requestLog(logger *slog.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			err := next(c)
			if err != nil {
				c.Error(err)
			}
			p := c.Path()
			if p == "/healthz" || p == "/readyz" || p == "/metrics" {
				return nil
			}
			logger.InfoContext(c.Request().Context(), "http request",
				"method", c.Request().Method, "path", c.Request().URL.Path, "route", p,
				"status", c.Response().Status, "duration_ms", float64(time.Since(start).Microseconds())/1000)
			return nil
		}
	}
}

func metricsMiddleware(reg *prometheus.Registry) echo.MiddlewareFunc {
	hist := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "http_server_request_duration_seconds",
		Help:    "Duration of HTTP requests by route and status.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
	}, []string{"method", "route", "status"})
	reg.MustRegister(hist)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			err := next(c)
			if err != nil {
				c.Error(err)
			}
			hist.WithLabelValues(c.Request().Method, c.Path(), strconv.Itoa(c.Response().Status)).Observe(time.Since(start).Seconds())
			return nil
		}
	}
}

// errorHandler turns every error into problem+json.
func errorHandler(logger *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		var p *problem.Problem
		var he *echo.HTTPError
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &p):
		case errors.As(err, &mbe):
			p = TooLarge()
		case errors.As(err, &he):
			msg := http.StatusText(he.Code)
			if s, ok := he.Message.(string); ok {
				msg = s
			}
			kind := map[int]string{404: "not-found", 405: "method-not-allowed", 413: "too-large", 415: "unsupported-media-type"}[he.Code]
			if kind == "" {
				kind = "http-" + strconv.Itoa(he.Code)
			}
			p = problem.New(he.Code, kind, http.StatusText(he.Code), msg)
		default:
			logger.ErrorContext(c.Request().Context(), "unhandled error", "err", err, "path", c.Request().URL.Path)
			p = problem.New(http.StatusInternalServerError, "internal", "Internal error", "the service failed to handle the request; see its log for the trace id")
		}
		if id, ok := sampledTraceID(c); ok {
			p.With("trace_id", id)
		}
		if c.Request().Method == http.MethodHead {
			_ = c.NoContent(p.Status)
			return
		}
		problem.Write(c.Response(), p)
	}
}

// Serve runs e on ln until ctx is cancelled, then shuts down gracefully.
// e.Server carries New's header timeout and size.
func Serve(ctx context.Context, e *echo.Echo, ln net.Listener) error {
	srv := &http.Server{Handler: e, ReadHeaderTimeout: e.Server.ReadHeaderTimeout, MaxHeaderBytes: e.Server.MaxHeaderBytes,
		ReadTimeout: 15 * time.Second, WriteTimeout: 30 * time.Second, IdleTimeout: 60 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), config.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("http shutdown: %w", err)
	}
	return nil
}
