// Package telemetry sets up OpenTelemetry tracing and structured logs for one
// service. Nothing is global: three services can run in one test process, each
// with its own TracerProvider and resource.
package telemetry

import (
	"context"
	"fmt"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// Options configure Setup.
type Options struct {
	// ServiceName is the name Jaeger shows, e.g. "order-svc.events".
	ServiceName string
	// Mode is the service's stack (config.TraceNamespace: the mode, with the
	// saga style when orchestrated); it goes into service.namespace as well
	// as the name.
	Mode string
	// Propagate false installs a propagator that carries nothing (TRACE_PROPAGATION=off).
	Propagate bool
	// Exporter, when set, receives spans synchronously (tests); otherwise the
	// OTLP/HTTP exporter is used if the OTEL_* variables ask for it.
	Exporter sdktrace.SpanExporter
	Getenv   func(string) string
}

// Tracing is a service's tracer provider and propagator.
type Tracing struct {
	Provider   trace.TracerProvider
	Propagator propagation.TextMapPropagator
	shutdown   func(context.Context) error
	// Exporting says whether spans leave the process (for the start-up log line).
	Exporting string
}

// Shutdown flushes pending spans.
func (t *Tracing) Shutdown(ctx context.Context) error {
	if t.shutdown == nil {
		return nil
	}
	return t.shutdown(ctx)
}

// Setup builds the service's tracing from opts and the standard OTEL_* variables.
func Setup(ctx context.Context, opts Options) (*Tracing, error) {
	getenv := opts.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	res, err := resource.Merge(resource.Default(), resource.NewWithAttributes(semconv.SchemaURL,
		semconv.ServiceName(opts.ServiceName),
		semconv.ServiceNamespace(opts.Mode),
		attribute.String("orderflow.mode", opts.Mode),
	))
	if err != nil {
		// Schema URL conflicts between resource.Default and ours are harmless;
		// fall back to our attributes alone rather than failing start-up.
		res = resource.NewWithAttributes(semconv.SchemaURL, semconv.ServiceName(opts.ServiceName), semconv.ServiceNamespace(opts.Mode))
	}
	if extra := getenv("OTEL_RESOURCE_ATTRIBUTES"); extra != "" {
		if r, err := resource.New(ctx, resource.WithFromEnv()); err == nil {
			if merged, err := resource.Merge(res, r); err == nil {
				res = merged
			}
		}
	}
	// ParentBased: a request whose traceparent says "not sampled" (flowctl's
	// reads of an order) records nothing here or downstream.
	tpOpts := []sdktrace.TracerProviderOption{sdktrace.WithResource(res), sdktrace.WithSampler(sdktrace.ParentBased(sdktrace.AlwaysSample()))}
	t := &Tracing{Exporting: "none"}
	switch {
	case opts.Exporter != nil:
		tpOpts = append(tpOpts, sdktrace.WithSyncer(opts.Exporter))
		t.Exporting = "in-memory"
	case strings.EqualFold(getenv("OTEL_TRACES_EXPORTER"), "none"):
	case getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != "":
		// The exporter reads OTEL_EXPORTER_OTLP_* itself (endpoint, headers, timeout).
		exp, err := otlptracehttp.New(ctx)
		if err != nil {
			return nil, fmt.Errorf("otlp exporter: %w", err)
		}
		tpOpts = append(tpOpts, sdktrace.WithBatcher(exp))
		t.Exporting = "otlp/http " + firstNonEmpty(getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"), getenv("OTEL_EXPORTER_OTLP_ENDPOINT"))
	}
	tp := sdktrace.NewTracerProvider(tpOpts...)
	t.Provider = tp
	t.shutdown = tp.Shutdown
	if opts.Propagate {
		t.Propagator = propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})
	} else {
		t.Propagator = propagation.NewCompositeTextMapPropagator() // carries nothing
	}
	return t, nil
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
