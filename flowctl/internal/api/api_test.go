package api

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// serve answers every request with status, content type and body, and
// records the last request body.
func serve(t *testing.T, status int, ctype, body string) (*httptest.Server, *string) {
	t.Helper()
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = r.Method + " " + r.URL.RequestURI() + " " + string(b)
		w.Header().Set("Content-Type", ctype)
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv, &got
}

func TestProblemDecoding(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		ctype     string
		body      string
		wantMsg   string
		wantTitle string
		wantField string
	}{
		{
			name:   "validation problem with field errors",
			status: 400, ctype: "application/problem+json",
			body: `{"type":"https://orderflow.dev/problems/validation","title":"The request is not valid","status":400,
				"detail":"the order has 2 error(s)","errors":[{"field":"customer_id","detail":"is required"},{"field":"items[0].qty","detail":"must be 1..1000"}]}`,
			wantMsg:   "GET /orders/x: 400 The request is not valid: the order has 2 error(s) (customer_id: is required; items[0].qty: must be 1..1000)",
			wantTitle: "The request is not valid", wantField: "customer_id",
		},
		{
			name:   "not found",
			status: 404, ctype: "application/problem+json; charset=utf-8",
			body:      `{"type":"https://orderflow.dev/problems/not-found","title":"Order not found","status":404,"detail":"no order x"}`,
			wantMsg:   "GET /orders/x: 404 Order not found: no order x",
			wantTitle: "Order not found",
		},
		{
			name:   "not problem+json at all",
			status: 502, ctype: "text/html",
			body:      "<html>bad gateway</html>",
			wantMsg:   "GET /orders/x: 502 Bad Gateway: <html>bad gateway</html>",
			wantTitle: "Bad Gateway",
		},
		{
			name:   "empty body",
			status: 500, ctype: "text/plain",
			wantMsg:   "GET /orders/x: 500 Internal Server Error",
			wantTitle: "Internal Server Error",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := serve(t, tt.status, tt.ctype, tt.body)
			_, err := NewOrders(srv.URL, nil).Get(context.Background(), "x")
			pe, ok := errors.AsType[*ProblemError](err)
			if !ok {
				t.Fatalf("err = %v (%T), want *ProblemError", err, err)
			}
			if pe.Error() != tt.wantMsg {
				t.Errorf("Error() = %q\nwant      %q", pe.Error(), tt.wantMsg)
			}
			if pe.Status != tt.status || pe.Title != tt.wantTitle {
				t.Errorf("status/title = %d %q", pe.Status, pe.Title)
			}
			if tt.wantField != "" && (len(pe.Fields) == 0 || pe.Fields[0].Field != tt.wantField) {
				t.Errorf("fields = %+v", pe.Fields)
			}
			if strings.Contains(pe.Error(), "\n") {
				t.Error("error spans lines")
			}
		})
	}
}

func TestPlace(t *testing.T) {
	req := PlaceRequest{CustomerID: "cust-ada", Items: []Line{{SKU: "SKU-001", Qty: 2}}}

	t.Run("accepted", func(t *testing.T) {
		srv, got := serve(t, 202, "application/json", `{"id":"0b6c7a4e-0000-4000-8000-000000000001","status":"PENDING","final":false,"trace_id":"abc",
			"timeline":[{"step":"placed","at":"2026-01-01T00:00:00Z","after_ms":0}]}`)
		p, err := NewOrders(srv.URL+"/", nil).Place(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		if p.HTTPStatus != 202 || p.Order.Status != "PENDING" || p.Order.TraceID != "abc" || len(p.Order.Timeline) != 1 {
			t.Errorf("placement = %+v", p)
		}
		var sent map[string]any
		if _, body, _ := strings.Cut(strings.TrimPrefix(*got, "POST /orders"), " "); json.Unmarshal([]byte(body), &sent) != nil || sent["customer_id"] != "cust-ada" {
			t.Errorf("request = %q", *got)
		}
	})

	t.Run("rejected still names the order", func(t *testing.T) {
		srv, _ := serve(t, 409, "application/problem+json", `{"type":"https://orderflow.dev/problems/out-of-stock","title":"Out of stock","status":409,
			"detail":"SKU SKU-005: 5 requested, 3 available","order_id":"0b6c7a4e-0000-4000-8000-000000000002","order":"/orders/0b6c"}`)
		p, err := NewOrders(srv.URL, nil).Place(context.Background(), req)
		pe, ok := errors.AsType[*ProblemError](err)
		if !ok {
			t.Fatalf("err = %v, want *ProblemError", err)
		}
		if p.HTTPStatus != 409 || p.Order.ID != "0b6c7a4e-0000-4000-8000-000000000002" || p.Order.Status != "REJECTED" || p.Order.Reason != "SKU SKU-005: 5 requested, 3 available" {
			t.Errorf("placement = %+v", p)
		}
		if pe.Str("order") != "/orders/0b6c" || pe.Str("missing") != "" {
			t.Errorf("extensions = %v", pe.Extensions)
		}
	})

	t.Run("failed, with the status as an extension", func(t *testing.T) {
		srv, _ := serve(t, 503, "application/problem+json", `{"type":"https://orderflow.dev/problems/dependency-failed","title":"A service the order depends on failed",
			"status":503,"detail":"invoicing-svc: timeout","order_id":"0b6c7a4e-0000-4000-8000-000000000003","order_status":"FAILED"}`)
		p, err := NewOrders(srv.URL, nil).Place(context.Background(), req)
		if err == nil || p.Order.Status != "FAILED" || p.Order.ID == "" {
			t.Errorf("placement = %+v, %v", p, err)
		}
	})

	t.Run("refused by a full order-svc: no order", func(t *testing.T) {
		srv, _ := serve(t, 503, "application/problem+json", `{"type":"https://orderflow.dev/problems/overloaded","title":"Too many requests in flight",
			"status":503,"detail":"this service serves at most 2 requests at once (HTTP_MAX_IN_FLIGHT)"}`)
		p, err := NewOrders(srv.URL, nil).Place(context.Background(), req)
		if err == nil || p.HTTPStatus != 503 || p.Order.ID != "" || p.Order.Status != "" {
			t.Errorf("placement = %+v, %v; want a 503 without an order", p, err)
		}
	})

	t.Run("connection refused is not a problem", func(t *testing.T) {
		srv, _ := serve(t, 200, "application/json", "{}")
		srv.Close()
		_, err := NewOrders(srv.URL, nil).Place(context.Background(), req)
		if _, ok := errors.AsType[*ProblemError](err); ok || err == nil {
			t.Errorf("err = %v", err)
		}
	})
}

func TestListAndOthers(t *testing.T) {
	srv, got := serve(t, 200, "application/json", `{"orders":[{"id":"a"},{"id":"b"}],"count":2}`)
	list, err := NewOrders(srv.URL, nil).List(context.Background(), 5)
	if err != nil || len(list) != 2 || !strings.HasPrefix(*got, "GET /orders?limit=5") {
		t.Errorf("List = %v, %v (%s)", list, err, *got)
	}

	srv, _ = serve(t, 200, "application/json", `{"items":[{"sku":"SKU-005","name":"kettle","on_hand":3,"reserved":0,"available":3}]}`)
	items, err := NewInventory(srv.URL, nil).Stock(context.Background())
	if err != nil || len(items) != 1 || items[0].Available != 3 {
		t.Errorf("Stock = %+v, %v", items, err)
	}

	srv, got = serve(t, 200, "application/json", `{"invoices":[],"count":0}`)
	_, found, err := NewInvoicing(srv.URL, nil).ByOrder(context.Background(), "id-1")
	if err != nil || found || !strings.HasPrefix(*got, "GET /invoices?order_id=id-1") {
		t.Errorf("ByOrder = %v, %v (%s)", found, err, *got)
	}

	srv, _ = serve(t, 503, "application/json", `{"status":"not ready","service":"order-svc","mode":"events","checks":{"kafka":"broker unreachable","db":"ok"}}`)
	r, err := Ready(context.Background(), srv.URL, nil)
	if err != nil || r.Status != "not ready" || r.Checks["kafka"] != "broker unreachable" || r.Service != "order-svc" {
		t.Errorf("Ready = %+v, %v", r, err)
	}
}

func TestJaegerTrace(t *testing.T) {
	// The shape Jaeger v2's /api/v3/traces/{id} answers (OTLP JSON), trimmed.
	body := `{"result":{"resourceSpans":[
		{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"order-svc.sync"}},{"key":"service.namespace","value":{"stringValue":"sync"}}]},
		 "scopeSpans":[{"scope":{"name":"otelhttp"},"spans":[{"traceId":"4bf9","spanId":"1","startTimeUnixNano":"1000"},{"traceId":"4bf9","spanId":"2","startTimeUnixNano":"2000"}]},{"scope":{"name":"otelecho"},"spans":[{"traceId":"4bf9","spanId":"3","startTimeUnixNano":"3000"}]}]},
		{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"inventory-svc.sync"}}]},"scopeSpans":[{"spans":[{"traceId":"4bf9","spanId":"4","startTimeUnixNano":"4000"}]}]},
		{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"order-svc.sync"}}]},"scopeSpans":[{"spans":[{"traceId":"4bf9","spanId":"5","startTimeUnixNano":"5000"}]}]}
	]}}`
	srv, got := serve(t, 200, "application/json", body)
	j := NewJaeger(srv.URL, nil)
	s, err := j.Trace(context.Background(), "4bf9")
	if err != nil {
		t.Fatal(err)
	}
	if s.Spans != 5 || strings.Join(s.Services, ",") != "inventory-svc.sync,order-svc.sync" {
		t.Errorf("summary = %+v", s)
	}
	if !strings.HasPrefix(*got, "GET /api/v3/traces/4bf9?raw_traces=true") {
		t.Errorf("request = %s", *got)
	}
	if j.TraceURL("4bf9") != srv.URL+"/trace/4bf9" || j.TraceAPIURL("4bf9") != srv.URL+"/api/v3/traces/4bf9" {
		t.Error("trace URLs")
	}

	srv, _ = serve(t, 404, "application/json", `{"error":{"httpCode":404,"message":"No traces found"}}`)
	if _, err := NewJaeger(srv.URL, nil).Trace(context.Background(), "x"); !errors.Is(err, ErrTraceNotFound) {
		t.Errorf("404: err = %v, want ErrTraceNotFound", err)
	}
}
