package investigate

import (
	"testing"

	"github.com/orderflow/flowctl/internal/api"
)

// explained decides when the investigation stops searching: a client span's
// error (sync with TRACE_PROPAGATION=off: order-svc saw invoicing answer 503)
// does not explain the order, the failing server or consumer span does.
func TestExplained(t *testing.T) {
	span := func(svc, kind string, failed bool, attrs map[string]string) api.Span {
		return api.Span{TraceID: "t1", SpanID: svc + kind, Service: svc, Kind: kind, Error: failed, Attrs: attrs}
	}
	services := []string{"order-svc.sync", "invoicing-svc.sync"}
	tests := []struct {
		name  string
		spans []api.Span
		want  bool
	}{
		{"a client span failed: look at the callee", []api.Span{span("order-svc.sync", "client", true, nil)}, false},
		{"the callee's server span failed", []api.Span{span("order-svc.sync", "client", true, nil), span("invoicing-svc.sync", "server", true, nil)}, true},
		{"a consumer failed", []api.Span{span("invoicing-svc.sync", "consumer", true, nil)}, true},
		{"a rejection passed on: the producer decided", []api.Span{span("order-svc.sync", "consumer", false, map[string]string{AttrEventType: "StockRejected"})}, false},
		{"nothing failed, one service missing", []api.Span{span("order-svc.sync", "server", false, nil)}, false},
		{"nothing failed, every service seen", []api.Span{span("order-svc.sync", "server", false, nil), span("invoicing-svc.sync", "server", false, nil)}, true},
		{"nothing in hand", nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			found := map[string]api.FullTrace{}
			if tc.spans != nil {
				found["t1"] = api.FullTrace{ID: "t1", Spans: tc.spans}
			}
			if got := explained(found, services); got != tc.want {
				t.Errorf("explained = %v, want %v", got, tc.want)
			}
		})
	}
}
