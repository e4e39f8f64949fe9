package dashboard

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/orderflow/flowctl/internal/stackmode"
)

// placeOn places one order on mode's stack through the page's API and
// returns its id.
func placeOn(t *testing.T, url string, mode stackmode.Mode) string {
	t.Helper()
	st, _, _, b := send(t, "POST", url+"/api/orders", `{"mode":"`+string(mode)+`"}`, nil, "")
	var got struct{ Orders []OrderView }
	if st != http.StatusCreated || json.Unmarshal(b, &got) != nil || len(got.Orders) != 1 {
		t.Fatalf("place = %d: %s", st, b)
	}
	return got.Orders[0].ID
}

// A cancel from the page reaches order-svc, shows its answer on the row and
// follows the order again until its reservation is released.
func TestCancelFollowsTheCompensation(t *testing.T) {
	s, hs, fakes := newTestServer(t, testToken)
	f := fakes[stackmode.Events]
	f.mu.Lock()
	f.maxReads = 1 // reserved, never invoiced: the order stays RESERVED
	f.mu.Unlock()
	id := placeOn(t, hs.URL, stackmode.Events)
	tr := s.modes[stackmode.Events].tracker
	waitFor(t, func() bool { v, _ := tr.lookup(id); return v.Status == "RESERVED" })

	st, _, _, b := send(t, "POST", hs.URL+"/api/orders/events/"+id+"/cancel", "", nil, "")
	var got struct {
		HTTPStatus int       `json:"http_status"`
		Status     string    `json:"status"`
		Answer     string    `json:"answer"`
		Order      OrderView `json:"order"`
	}
	if st != http.StatusOK || json.Unmarshal(b, &got) != nil || got.HTTPStatus != 202 || got.Status != "CANCELLED" || got.Answer != "202 CANCELLED" {
		t.Fatalf("cancel = %d: %s", st, b)
	}
	if !slices.Equal(got.Order.Awaiting, []string{"released"}) || got.Order.Cancel != "202 CANCELLED" {
		t.Errorf("the row right after the cancel = %+v, want it awaiting its release", got.Order)
	}
	var v OrderView
	waitFor(t, func() bool { v, _ = tr.lookup(id); return len(v.Awaiting) == 0 })
	steps := []string{}
	for _, s := range v.Steps {
		steps = append(steps, s.Step)
	}
	if v.Status != "CANCELLED" || v.Reason != "customer" || !slices.Equal(steps, []string{"placed", "reserved", "cancelled", "released"}) {
		t.Errorf("row = %+v (steps %v)", v, steps)
	}
}

// Too late: order-svc's 409 reaches the page as a 409 problem with its
// detail, and the row shows it.
func TestCancelTooLate(t *testing.T) {
	s, hs, _ := newTestServer(t, testToken)
	id := placeOn(t, hs.URL, stackmode.Events)
	tr := s.modes[stackmode.Events].tracker
	waitFor(t, func() bool { v, _ := tr.lookup(id); return v.Status == "CONFIRMED" })
	st, ct, _, b := send(t, "POST", hs.URL+"/api/orders/events/"+id+"/cancel", "", nil, "")
	wantProblem(t, "cancel a confirmed order", st, http.StatusConflict, ct, b)
	if !strings.Contains(string(b), "is CONFIRMED: only an order that is not final can be cancelled") || !strings.Contains(string(b), `"order_status":"CONFIRMED"`) {
		t.Errorf("the problem lacks order-svc's detail: %s", b)
	}
	if v, _ := tr.lookup(id); !strings.HasPrefix(v.Cancel, "409 CONFIRMED: order "+id) {
		t.Errorf("the row's answer = %q", v.Cancel)
	}
	st, ct, _, b = send(t, "POST", hs.URL+"/api/orders/events/00000000-0000-4000-8000-999999999999/cancel", "", nil, "")
	wantProblem(t, "cancel an unknown order", st, http.StatusNotFound, ct, b)
}

// The decline rate is invoicing-svc's, a share, and setting it keeps the
// service's other faults.
func TestDeclineRate(t *testing.T) {
	_, hs, fakes := newTestServer(t, testToken)
	f := fakes[stackmode.Events]
	if st, _, _, b := send(t, "PUT", hs.URL+"/api/stacks/events/faults/invoicing", `{"latency_ms":300,"error_rate":0.1}`, nil, ""); st != http.StatusOK {
		t.Fatalf("set faults = %d: %s", st, b)
	}
	if st, _, _, b := send(t, "PUT", hs.URL+"/api/stacks/events/faults/invoicing/decline-rate", `{"decline_rate":0.5}`, nil, ""); st != http.StatusOK {
		t.Fatalf("set decline rate = %d: %s", st, b)
	}
	_, admin := f.counts()
	w := writes(admin)
	if last := w[len(w)-1]; !strings.Contains(last, `"decline_rate":0.5`) || !strings.Contains(last, `"latency":"300ms"`) || !strings.Contains(last, `"error_rate":0.1`) {
		t.Errorf("the decline rate lost the other faults: %s", last)
	}
	for _, c := range []struct{ path, body string }{
		{"/api/stacks/events/faults/invoicing/decline-rate", `{"decline_rate":1.5}`},
		{"/api/stacks/events/faults/invoicing/decline-rate", `{"decline_rate":-0.1}`},
		{"/api/stacks/events/faults/inventory/decline-rate", `{"decline_rate":0.5}`},
		{"/api/stacks/events/faults/inventory", `{"latency_ms":0,"decline_rate":0.5}`},
	} {
		st, ct, _, b := send(t, "PUT", hs.URL+c.path, c.body, nil, "")
		wantProblem(t, "PUT "+c.path+" "+c.body, st, http.StatusBadRequest, ct, b)
	}
	if _, admin := f.counts(); len(writes(admin)) != len(w) {
		t.Errorf("a refused decline rate reached the service: %v", writes(admin)[len(w):])
	}
}
