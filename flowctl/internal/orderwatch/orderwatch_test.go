package orderwatch

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/stackmode"
)

const orderID = "0f0e0d0c-0000-4000-8000-000000000001"

// answers are order-svc's answers to GET /orders/{id}, one per poll; the
// last repeats.
var answers = []string{
	`{"id":"` + orderID + `","status":"PENDING","final":false,"timeline":[{"step":"placed","after_ms":0}]}`,
	`{"id":"` + orderID + `","status":"PENDING","final":false,"timeline":[{"step":"placed","after_ms":0},{"step":"reserved","after_ms":12.5}]}`,
	`{"id":"` + orderID + `","status":"CONFIRMED","final":true,"time_to_final_ms":30,"timeline":[{"step":"placed","after_ms":0},{"step":"reserved","after_ms":12.5},{"step":"invoiced","after_ms":25},{"step":"confirmed","after_ms":30}]}`,
}

// fakeOrderSvc plays answers to GET /orders/{id}, lists the order for a
// short id and places it on POST /orders.
func fakeOrderSvc(t *testing.T, answers []string) Stack {
	t.Helper()
	var polls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == http.MethodPost:
			w.WriteHeader(http.StatusAccepted)
			w.Write([]byte(answers[0]))
		case r.URL.Path == "/orders":
			w.Write([]byte(`{"orders":[` + answers[0] + `]}`))
		default:
			n := min(int(polls.Add(1)), len(answers))
			w.Write([]byte(answers[n-1]))
		}
	}))
	t.Cleanup(srv.Close)
	return Stack{Orders: api.NewOrders(srv.URL, nil), Base: srv.URL, Mode: stackmode.Events}
}

func TestWatchPrintsEachStepOnce(t *testing.T) {
	s := fakeOrderSvc(t, answers)
	var out bytes.Buffer
	err := Run(context.Background(), s, Order{ID: "0f0e0d0c"}, Config{Every: 5 * time.Millisecond, Timeout: 5 * time.Second}, &out)
	if err != nil {
		t.Fatal(err)
	}
	want := "watching order " + orderID + " every 5ms (timeout 5s)\n" +
		"  +0ms     placed     PENDING\n" +
		"  +12ms    reserved   PENDING\n" +
		"  +25ms    invoiced   CONFIRMED\n" +
		"  +30ms    confirmed  CONFIRMED\n" +
		"final: CONFIRMED after 30 ms\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
}

func TestWatchJSONAfterPlacing(t *testing.T) {
	s := fakeOrderSvc(t, answers)
	var out bytes.Buffer
	req := api.PlaceRequest{CustomerID: "c", Items: []api.Line{{SKU: "SKU-001", Qty: 1}}}
	err := Run(context.Background(), s, Order{Place: &req}, Config{Every: 5 * time.Millisecond, Timeout: 5 * time.Second, JSON: true}, &out)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 4 {
		t.Fatalf("want one JSON line per step, nothing else:\n%s", out.String())
	}
	var last Event
	if err := json.Unmarshal([]byte(lines[3]), &last); err != nil {
		t.Fatal(err)
	}
	if last != (Event{OrderID: orderID, Step: "confirmed", Status: "CONFIRMED", AfterMS: 30, Final: true}) {
		t.Errorf("last event = %+v", last)
	}
}

func TestWatchPlacesAndSaysSo(t *testing.T) {
	s := fakeOrderSvc(t, answers[2:])
	var out bytes.Buffer
	req := api.PlaceRequest{CustomerID: "c", Items: []api.Line{{SKU: "SKU-001", Qty: 1}}}
	if err := Run(context.Background(), s, Order{Place: &req}, Config{Every: 5 * time.Millisecond, Timeout: 5 * time.Second}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "POST /orders → 202: order 0f0e0d0c\nwatching order") {
		t.Errorf("output:\n%s", out.String())
	}
}

func TestWatchTimesOut(t *testing.T) {
	s := fakeOrderSvc(t, answers[:1])
	var out bytes.Buffer
	err := watch(context.Background(), s, orderID, Config{Every: 5 * time.Millisecond, Timeout: 50 * time.Millisecond}, &out)
	want := "order " + orderID + " is still PENDING after 50ms; watch again (`flowctl order watch --mode events 0f0e0d0c`), or look at `flowctl trace 0f0e0d0c --mode events`"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v", err)
	}
	// The exercises expect this end (consumers paused): its exit status
	// says "not final yet", not "the watch failed".
	var nf *NotFinalError
	if !errors.As(err, &nf) || nf.ExitCode() != ExitNotFinal || ExitNotFinal == 1 {
		t.Errorf("a timeout is not a NotFinalError with its own exit status: %#v", err)
	}
	if strings.Count(out.String(), "placed") != 1 {
		t.Errorf("the step printed more than once:\n%s", out.String())
	}
}

func TestConfigCheck(t *testing.T) {
	tests := []struct {
		c    Config
		want string
	}{
		{Config{Every: time.Second, Timeout: 500 * time.Millisecond}, "--timeout 500ms: use at least 1s"},
		{Config{Every: time.Millisecond, Timeout: time.Minute}, "--every 1ms: use 5ms to 10s"},
		{Config{Every: 11 * time.Second, Timeout: time.Minute}, "--every 11s: use 5ms to 10s"},
		{Config{Every: 20 * time.Millisecond, Timeout: time.Minute}, ""},
	}
	for _, tt := range tests {
		err := tt.c.Check()
		if (err == nil) != (tt.want == "") || (err != nil && err.Error() != tt.want) {
			t.Errorf("%+v: err = %v, want %q", tt.c, err, tt.want)
		}
	}
}
