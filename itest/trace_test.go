package itest

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/orderflow/platform/config"
)

func serviceOf(s tracetest.SpanStub) string {
	for _, kv := range s.Resource.Attributes() {
		if kv.Key == semconv.ServiceNameKey {
			return kv.Value.AsString()
		}
	}
	return ""
}

func attr(s tracetest.SpanStub, key string) string {
	for _, kv := range s.Attributes {
		if string(kv.Key) == key {
			return kv.Value.Emit()
		}
	}
	return ""
}

// orderSpans returns the spans of the messaging hops of one order (producer
// and consumer spans carrying orderflow.order_id; server spans carry it too)
// and every span of the given trace.
func orderSpans(spans tracetest.SpanStubs, orderID string, traceID trace.TraceID) (hops, inTrace []tracetest.SpanStub) {
	for _, s := range spans {
		messaging := s.SpanKind == trace.SpanKindProducer || s.SpanKind == trace.SpanKindConsumer
		if messaging && attr(s, "orderflow.order_id") == orderID {
			hops = append(hops, s)
		}
		if s.SpanContext.TraceID() == traceID {
			inTrace = append(inTrace, s)
		}
	}
	return hops, inTrace
}

func servicesOf(spans []tracetest.SpanStub) []string {
	set := map[string]bool{}
	for _, s := range spans {
		set[serviceOf(s)] = true
	}
	var out []string
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func describe(spans []tracetest.SpanStub) string {
	var b strings.Builder
	for _, s := range spans {
		fmt.Fprintf(&b, "\n  %s %q kind=%s trace=%s links=%d", serviceOf(s), s.Name, s.SpanKind, s.SpanContext.TraceID(), len(s.Links))
	}
	return b.String()
}

func TestEventsTraceShape(t *testing.T) {
	for _, prop := range []config.Propagation{config.PropagationChild, config.PropagationLink, config.PropagationOff} {
		t.Run(string(prop), func(t *testing.T) {
			s := startStack(t, stackOpts{mode: config.ModeEvents, propagation: prop})
			r := s.place("c-1", item("SKU-001", 1))
			var o orderView
			r.decode(t, &o)
			s.waitFinal(o.ID)
			tid, err := trace.TraceIDFromHex(o.TraceID)
			if err != nil || r.header.Get("X-Trace-Id") != o.TraceID {
				t.Fatalf("order trace id %q (header %q): %v", o.TraceID, r.header.Get("X-Trace-Id"), err)
			}
			// 3 sends (OrderPlaced, StockReserved, InvoiceIssued) and 6 processes:
			// each service consumes two topics and so processes two of them, the
			// saga's consumers (inventory-svc on invoicing.v1, invoicing-svc on
			// orders.v1) skipping what they have no handler for.
			var hops, inTrace []tracetest.SpanStub
			eventually(t, 10*time.Second, "9 messaging spans", func() (bool, string) {
				hops, inTrace = orderSpans(s.spans.GetSpans(), o.ID, tid)
				return len(hops) == 9, describe(hops)
			})
			var consumers []tracetest.SpanStub
			for _, h := range hops {
				if h.SpanKind == trace.SpanKindConsumer {
					consumers = append(consumers, h)
				}
			}
			if len(consumers) != 6 {
				t.Fatalf("consumer spans = %d, want 6:%s", len(consumers), describe(hops))
			}
			switch prop {
			case config.PropagationChild:
				// One trace tells the whole story, across all three services.
				want := []string{"inventory-svc.events", "invoicing-svc.events", "order-svc.events"}
				if got := servicesOf(inTrace); !slices.Equal(got, want) {
					t.Fatalf("services in the order's trace = %v, want %v:%s", got, want, describe(inTrace))
				}
				for _, h := range hops {
					if h.SpanContext.TraceID() != tid {
						t.Fatalf("hop outside the order's trace:%s", describe([]tracetest.SpanStub{h}))
					}
				}
			case config.PropagationLink:
				// Each consumer starts its own trace, linked to the producer span.
				if got := servicesOf(inTrace); !slices.Equal(got, []string{"order-svc.events"}) {
					t.Fatalf("services in the order's trace = %v, want only order-svc:%s", got, describe(inTrace))
				}
				producers := map[trace.SpanID]bool{}
				for _, h := range hops {
					if h.SpanKind == trace.SpanKindProducer {
						producers[h.SpanContext.SpanID()] = true
					}
				}
				for _, c := range consumers {
					if c.SpanContext.TraceID() == tid || len(c.Links) != 1 || !producers[c.Links[0].SpanContext.SpanID()] {
						t.Fatalf("link mode consumer span must be a new trace linked to a producer span:%s", describe([]tracetest.SpanStub{c}))
					}
				}
			case config.PropagationOff:
				if got := servicesOf(inTrace); !slices.Equal(got, []string{"order-svc.events"}) {
					t.Fatalf("services in the order's trace = %v, want only order-svc:%s", got, describe(inTrace))
				}
				traces := map[trace.TraceID]bool{}
				for _, c := range consumers {
					if len(c.Links) != 0 || c.Parent.IsValid() {
						t.Fatalf("off mode consumer span has a parent or link:%s", describe([]tracetest.SpanStub{c}))
					}
					traces[c.SpanContext.TraceID()] = true
				}
				if len(traces) != 6 {
					t.Fatalf("off mode: %d traces for 6 consumer spans, want 6 unrelated traces", len(traces))
				}
			}
		})
	}
}

func TestSyncTraceShape(t *testing.T) {
	for _, prop := range []config.Propagation{config.PropagationChild, config.PropagationOff} {
		t.Run(string(prop), func(t *testing.T) {
			s := startStack(t, stackOpts{mode: config.ModeSync, propagation: prop})
			var o orderView
			s.place("c-1", item("SKU-002", 1)).decode(t, &o)
			tid, _ := trace.TraceIDFromHex(o.TraceID)
			want := []string{"inventory-svc.sync", "invoicing-svc.sync", "order-svc.sync"}
			if prop == config.PropagationOff {
				want = []string{"order-svc.sync"}
			}
			var inTrace []tracetest.SpanStub
			eventually(t, 10*time.Second, "spans of the sync call", func() (bool, string) {
				_, inTrace = orderSpans(s.spans.GetSpans(), o.ID, tid)
				return slices.Equal(servicesOf(inTrace), want), describe(inTrace)
			})
			clients := 0
			for _, sp := range inTrace {
				if sp.SpanKind == trace.SpanKindClient {
					clients++
				}
			}
			if clients != 2 {
				t.Fatalf("client spans in the order's trace = %d, want 2 (reserve, invoice):%s", clients, describe(inTrace))
			}
			// Every server span that knows the order carries its id, so the
			// order can be found by searching even when no context crossed
			// (off: inventory's and invoicing's spans are other traces).
			var tagged []tracetest.SpanStub
			eventually(t, 10*time.Second, "server spans tagged with the order id", func() (bool, string) {
				tagged = nil
				for _, sp := range s.spans.GetSpans() {
					if sp.SpanKind == trace.SpanKindServer && attr(sp, "orderflow.order_id") == o.ID {
						tagged = append(tagged, sp)
					}
				}
				return slices.Equal(servicesOf(tagged), []string{"inventory-svc.sync", "invoicing-svc.sync", "order-svc.sync"}), describe(tagged)
			})
		})
	}
}

var _ sdktrace.SpanExporter = (*tracetest.InMemoryExporter)(nil)
