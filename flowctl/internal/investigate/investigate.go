// Package investigate answers "how much tracing does it take to explain this
// order?": it collects every span of one order from Jaeger, says how many
// traces and lookups that took and whether span links join the traces, and
// finds the span that explains a failure.
//
// With TRACE_PROPAGATION=child an order is one trace, found by the trace id
// order-svc stored. With link or off, each Kafka consumer starts a new trace;
// Jaeger's HTTP API cannot search by attribute, so the other traces are found
// by searching each service's traces in the order's time window and keeping
// those with a span whose orderflow.order_id is the order's id — the work a
// person does by hand in the Jaeger UI.
//
// Await waits until a fresh order's spans have been exported; OrderTrace is
// `flowctl trace`'s whole lookup, from an order id to its investigation.
package investigate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/orderflow/flowctl/internal/api"
)

// Span attributes the services record (platform/kafkabus).
const (
	AttrOrderID   = "orderflow.order_id"      // on Kafka producer and consumer spans, and server spans that know the order
	AttrEventType = "orderflow.event_type"    // e.g. StockRejected
	AttrKafkaWait = "orderflow.kafka_wait_ms" // on consumer spans: time the message sat in Kafka
	AttrAttempt   = "orderflow.attempt"       // on a consumer's failed handling ("retry <topic>"): its number
)

// reasonAttrs name a failure's reason where a span carries one. The services
// do not record them today (an order's reason lives in order-svc); they are
// read so a service that starts recording one is shown without code changes.
var reasonAttrs = [...]string{"orderflow.reason", "orderflow.rejection_reason", "rejection.reason"}

// searchLimit caps the traces one service search returns. The window spans a
// few seconds around one order, so it only trips when a load test ran then.
const searchLimit = 500

// Input says which order to investigate and where to look.
type Input struct {
	OrderID string
	// TraceID is the trace id order-svc stored for the order (the request
	// that placed it). Empty means: search only.
	TraceID string
	Mode    string
	// Since and Until bound the search: spans of the order start in between.
	Since, Until time.Time
	// Services are the Jaeger service names to search, e.g.
	// "inventory-svc.events" (see ServiceNames). Empty: no search.
	Services []string
	// Status and Reason are the order's status and reason as order-svc
	// reports them (optional). Spans do not carry the reason of a rejection,
	// so the failure is described with it.
	Status, Reason string
}

// KafkaHop is one event's trip through Kafka: from the producer span's end to
// the consumer span's start.
type KafkaHop struct {
	Consumer api.SpanRef `json:"consumer"`
	// Producer is the producer span the consumer's parent or link points at;
	// nil when nothing joins them (TRACE_PROPAGATION=off).
	Producer *api.SpanRef `json:"producer,omitempty"`
	Topic    string       `json:"topic,omitempty"`
	WaitMS   float64      `json:"wait_ms"`
	// Measured says WaitMS is the consumer's own orderflow.kafka_wait_ms,
	// rather than computed from the spans' times.
	Measured bool `json:"measured"`
}

// Investigation is what it took to explain one order.
type Investigation struct {
	OrderID      string `json:"order_id"`
	Mode         string `json:"mode,omitempty"`
	StartTraceID string `json:"start_trace_id,omitempty"`
	// TraceIDs are the traces that hold spans of the order, the start trace
	// first, the others by their first span.
	TraceIDs []string `json:"trace_ids"`
	Traces   int      `json:"traces"`
	Spans    int      `json:"spans"`
	// Lookups is Cost.Lookups(): the searches issued plus the traces opened.
	Lookups int `json:"lookups"`
	// Cost counts the Jaeger calls ForOrder made, as it made them.
	Cost Cost `json:"cost"`
	// Searched are the services searched, in the order they were.
	Searched []string `json:"searched,omitempty"`
	// Linked says the order spans several traces and span links join every
	// one of them to the start trace (TRACE_PROPAGATION=link).
	Linked bool `json:"linked"`
	// Unlinked are the traces no chain of span links reaches from the start
	// trace: only the order id attribute ties them to the order.
	Unlinked []string `json:"unlinked_trace_ids,omitempty"`
	// Explained says the investigation stopped because the spans explain the
	// order; false when it ran out of services to search (a client span's
	// error may be all it found: the callee's own span never turned up).
	Explained bool `json:"explained"`
	// Failure is the span that explains why the order failed, nil if none.
	Failure *api.Span `json:"failure,omitempty"`
	// FailureText is one line, e.g. "rejected in inventory-svc: SKU SKU-005:
	// 5 requested, 3 available".
	FailureText string     `json:"failure_text,omitempty"`
	Hops        []KafkaHop `json:"kafka_hops,omitempty"`
	// Retries are the steps that failed and were tried again.
	Retries     []Retry `json:"retries,omitempty"`
	KafkaWaitMS float64 `json:"kafka_wait_ms"`
	HowFound    string  `json:"how_found"`
	// AllSpans are the spans of all TraceIDs, by start time.
	AllSpans []api.Span `json:"all_spans"`
}

// ServiceNames are the Jaeger service names of the three services in mode's
// stack: the services name themselves "<service>.<mode>".
func ServiceNames(mode string) []string {
	return []string{"order-svc." + mode, "inventory-svc." + mode, "invoicing-svc." + mode}
}

// ShortService drops the mode suffix: "inventory-svc.events" → "inventory-svc".
func ShortService(name string) string {
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		return name[:i]
	}
	return name
}

// ForOrder collects the order's spans: its start trace, then every trace of
// in.Services in the window that holds a span of the order. It returns an
// error wrapping api.ErrTraceNotFound when Jaeger has no span of the order
// (yet), so callers can wait and ask again.
func ForOrder(ctx context.Context, j *api.Jaeger, in Input) (Investigation, error) {
	if in.OrderID == "" {
		return Investigation{}, errors.New("investigate: no order id")
	}
	inv := Investigation{OrderID: in.OrderID, Mode: in.Mode, StartTraceID: strings.ToLower(in.TraceID)}
	found := map[string]api.FullTrace{}
	if inv.StartTraceID != "" {
		t, err := j.GetTrace(ctx, inv.StartTraceID)
		if err != nil {
			return Investigation{}, fmt.Errorf("order %s: the trace order-svc stored: %w", in.OrderID, err)
		}
		found[t.ID] = t
		inv.Cost.TracesOpened++
		inv.Cost.SpansRead += len(t.Spans)
	}

	// One service at a time, as a person does, and only until the spans in
	// hand explain the order: the counted calls are the investigation's cost.
	for _, svc := range in.Services {
		if explained(found, in.Services) {
			break
		}
		traces, err := j.FindTraces(ctx, svc, in.Since, in.Until, searchLimit)
		inv.Cost.Searches++
		inv.Searched = append(inv.Searched, svc)
		if err != nil {
			return Investigation{}, fmt.Errorf("order %s: search Jaeger: %w", in.OrderID, err)
		}
		for _, t := range traces {
			if t.ID != inv.StartTraceID && !holdsOrder(t, in.OrderID) {
				continue
			}
			prev, seen := found[t.ID]
			if !seen {
				inv.Cost.TracesOpened++
			}
			// A search may see spans that reached Jaeger since the trace was
			// opened: keep the fuller copy and count the spans read anew.
			if len(t.Spans) > len(prev.Spans) {
				inv.Cost.SpansRead += len(t.Spans) - len(prev.Spans)
				found[t.ID] = t
			}
		}
	}
	if len(found) == 0 {
		return Investigation{}, fmt.Errorf("order %s: no span carries %s=%s in %s: %w",
			in.OrderID, AttrOrderID, in.OrderID, strings.Join(in.Services, ", "), api.ErrTraceNotFound)
	}

	for _, t := range found {
		inv.AllSpans = append(inv.AllSpans, t.Spans...)
	}
	api.SortSpans(inv.AllSpans)
	if inv.StartTraceID == "" {
		inv.StartTraceID = inv.AllSpans[0].TraceID // the earliest fragment stands in
	}
	inv.TraceIDs = traceOrder(inv.StartTraceID, inv.AllSpans)
	inv.Traces, inv.Spans = len(inv.TraceIDs), len(inv.AllSpans)
	inv.Lookups = inv.Cost.Lookups()
	inv.Unlinked = unlinked(inv.StartTraceID, inv.TraceIDs, inv.AllSpans)
	inv.Linked = inv.Traces > 1 && len(inv.Unlinked) == 0
	inv.Hops = KafkaHops(inv.AllSpans)
	for _, h := range inv.Hops {
		inv.KafkaWaitMS += h.WaitMS
	}
	inv.Explained = explained(found, in.Services)
	inv.Retries = Retries(inv.AllSpans)
	if f := pathFailure(inv.AllSpans, in.Status); f != nil {
		inv.Failure = f
		inv.FailureText = failureText(*f, in)
	}
	inv.HowFound = howFound(inv, in)
	return inv, nil
}

func holdsOrder(t api.FullTrace, orderID string) bool {
	return slices.ContainsFunc(t.Spans, func(s api.Span) bool { return s.Attrs[AttrOrderID] == orderID })
}

// traceOrder lists the trace ids of spans (sorted by start), start first.
func traceOrder(start string, spans []api.Span) []string {
	ids := []string{start}
	for _, s := range spans {
		if !slices.Contains(ids, s.TraceID) {
			ids = append(ids, s.TraceID)
		}
	}
	return ids
}

// unlinked returns the traces that no chain of span links reaches from the
// start trace. A link counts in both directions: a consumer's link to its
// producer joins the consumer's trace to the producer's.
func unlinked(start string, ids []string, spans []api.Span) []string {
	reached := map[string]bool{start: true}
	for changed := true; changed; {
		changed = false
		for _, s := range spans {
			for _, l := range s.Links {
				if reached[s.TraceID] != reached[l.TraceID] && slices.Contains(ids, l.TraceID) {
					reached[s.TraceID], reached[l.TraceID] = true, true
					changed = true
				}
			}
		}
	}
	var out []string
	for _, id := range ids {
		if !reached[id] {
			out = append(out, id)
		}
	}
	return out
}

// KafkaHops finds every consumer span of spans and how long its event waited
// in Kafka: the consumer's orderflow.kafka_wait_ms when recorded (the
// service measured it from the message's timestamp), else the gap between
// the producer span's end and the consumer span's start.
func KafkaHops(spans []api.Span) []KafkaHop {
	byRef := make(map[api.SpanRef]*api.Span, len(spans))
	for i := range spans {
		byRef[spans[i].Ref()] = &spans[i]
	}
	var hops []KafkaHop
	for _, c := range spans {
		if c.Kind != "consumer" {
			continue
		}
		var producer *api.Span
		candidates := c.Links
		if c.ParentID != "" {
			candidates = append([]api.SpanRef{{TraceID: c.TraceID, SpanID: c.ParentID}}, candidates...)
		}
		for _, ref := range candidates {
			if p, ok := byRef[ref]; ok && p.Kind == "producer" {
				producer = p
				break
			}
		}
		h := KafkaHop{Consumer: c.Ref(), Topic: c.Attrs["messaging.destination.name"]}
		if ms, err := strconv.ParseFloat(c.Attrs[AttrKafkaWait], 64); err == nil {
			h.WaitMS, h.Measured = ms, true
		} else if producer != nil {
			h.WaitMS = max(0, float64(c.Start.Sub(producer.End))/float64(time.Millisecond))
		} else {
			continue // neither measured nor joined: nothing to say about the hop
		}
		if producer != nil {
			ref := producer.Ref()
			h.Producer = &ref
		}
		hops = append(hops, h)
	}
	return hops
}

func howFound(inv Investigation, in Input) string {
	spans := plural(inv.Spans, "span")
	search := fmt.Sprintf("found by searching %s for %s=%s", plural(len(inv.Searched), "service"), AttrOrderID, inv.OrderID)
	switch {
	case inv.Traces == 1 && in.TraceID != "":
		return fmt.Sprintf("1 trace, %s: everything under the order's trace id %s", spans, inv.StartTraceID)
	case inv.Traces == 1:
		return fmt.Sprintf("1 trace, %s; %s", spans, search)
	case inv.Linked:
		return fmt.Sprintf("%d traces joined by span links, %s; %s", inv.Traces, spans, search)
	case len(inv.Unlinked) == inv.Traces-1:
		return fmt.Sprintf("%d unconnected traces, %s: only the order id attribute ties them together (%s)", inv.Traces, spans, search)
	default:
		return fmt.Sprintf("%d traces, %s: span links join %d of them, only the order id attribute ties the other %d (%s)",
			inv.Traces, spans, inv.Traces-len(inv.Unlinked), len(inv.Unlinked), search)
	}
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}
