package investigate

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/stackmode"
)

const syncOrderID = "a1e23a3d-2cbd-466b-877e-a4d6d7298fa4"

// fakeOrderSvc answers GET /orders (the newest, for a short id) and GET
// /orders/{id} with the order of the sync-confirmed fixture.
func fakeOrderSvc(t *testing.T) *httptest.Server {
	t.Helper()
	placed := time.Now().Add(-time.Minute).UTC().Format(time.RFC3339Nano)
	order := `{"id":"` + syncOrderID + `","status":"CONFIRMED","final":true,"trace_id":"73740a90c758ab1b31912f0e65fe69db",` +
		`"placed_at":"` + placed + `","updated_at":"` + placed + `"}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/orders":
			w.Write([]byte(`{"orders":[` + order + `]}`))
		case "/orders/" + syncOrderID:
			w.Write([]byte(order))
		default:
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"title":"Not Found","status":404,"detail":"no such order"}`))
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestOrderTraceByShortID(t *testing.T) {
	fixture, err := os.ReadFile("testdata/sync-confirmed.json")
	if err != nil {
		t.Fatal(err)
	}
	jaeger := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(fixture) }))
	t.Cleanup(jaeger.Close)
	osvc := fakeOrderSvc(t)
	inv, o, err := OrderTrace(context.Background(), api.NewOrders(osvc.URL, nil), osvc.URL, api.NewJaeger(jaeger.URL, nil), "a1e23a3d", stackmode.Sync)
	if err != nil {
		t.Fatal(err)
	}
	if o.ID != syncOrderID || !o.Final || inv.Spans != 5 {
		t.Errorf("order %s final %v, %d spans; want %s, final, 5 spans", o.ID, o.Final, inv.Spans, syncOrderID)
	}
}

func TestOrderTraceUnknownOrder(t *testing.T) {
	osvc := fakeOrderSvc(t)
	id := "00000000-0000-4000-8000-000000000000"
	_, _, err := OrderTrace(context.Background(), api.NewOrders(osvc.URL, nil), osvc.URL, api.NewJaeger("http://127.0.0.1:1", nil), id, stackmode.Events)
	want := "order " + id + " is not known to the events stack's order-svc at " + osvc.URL + ": check the id, or try the other --mode"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v", err)
	}
}

func TestOrderTraceNoOrderSvc(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	ln.Close()
	_, _, err = OrderTrace(context.Background(), api.NewOrders(base, nil), base, api.NewJaeger(base, nil), "abc", stackmode.Sync)
	if err == nil || !strings.Contains(err.Error(), "order-svc at "+base+" does not answer (connection refused); start the sync stack") {
		t.Errorf("err = %v", err)
	}
}

func TestInputFor(t *testing.T) {
	placed := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	o := api.Order{ID: "o1", TraceID: "t1", PlacedAt: placed, UpdatedAt: placed.Add(time.Second), Status: "REJECTED", Reason: "out of stock"}
	in := InputFor(o, stackmode.Events)
	if in.OrderID != "o1" || in.TraceID != "t1" || in.Mode != "events" || in.Status != "REJECTED" || in.Reason != "out of stock" ||
		!in.Since.Equal(placed.Add(-2*time.Second)) || !in.Until.Equal(placed.Add(6*time.Second)) || len(in.Services) != 3 {
		t.Errorf("InputFor = %+v", in)
	}
}
