package api

import (
	"context"
	"errors"
	"slices"
	"testing"
)

const cancelID = "3f1c2a9e-8b7d-4e6f-9a01-2b3c4d5e6f70"

func TestCancelAnswers(t *testing.T) {
	for _, c := range []struct {
		name       string
		status     int
		ctype      string
		body       string
		wantStatus string
		wantErr    string // "" for none
	}{
		{"events: cancelled, compensations follow", 202, "application/json",
			`{"id":"` + cancelID + `","status":"CANCELLED","final":true,"reason":"customer","timeline":[{"step":"placed","after_ms":0},{"step":"cancelled","after_ms":40}]}`,
			"CANCELLED", ""},
		{"already cancelled", 200, "application/json",
			`{"id":"` + cancelID + `","status":"CANCELLED","final":true,"reason":"customer","timeline":[]}`, "CANCELLED", ""},
		{"too late", 409, "application/problem+json",
			`{"type":"https://orderflow.dev/problems/order-final","title":"Too late to cancel","status":409,"detail":"order ` + cancelID + ` is CONFIRMED: only an order that is not final can be cancelled","order_id":"` + cancelID + `","order_status":"CONFIRMED"}`,
			"CONFIRMED", "409 Too late to cancel: order " + cancelID + " is CONFIRMED: only an order that is not final can be cancelled"},
		{"unknown", 404, "application/problem+json",
			`{"type":"https://orderflow.dev/problems/not-found","title":"Order not found","status":404,"detail":"no order"}`, "", "404 Order not found: no order"},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv, got := serve(t, c.status, c.ctype, c.body)
			res, err := NewOrders(srv.URL, nil).Cancel(context.Background(), cancelID)
			if *got != "POST /orders/"+cancelID+"/cancel " {
				t.Errorf("sent %q", *got)
			}
			if res.HTTPStatus != c.status || string(res.Order.Status) != c.wantStatus {
				t.Errorf("got %d %q, want %d %q", res.HTTPStatus, res.Order.Status, c.status, c.wantStatus)
			}
			pe, isProblem := errors.AsType[*ProblemError](err)
			switch {
			case c.wantErr == "" && err != nil:
				t.Errorf("err = %v", err)
			case c.wantErr != "" && (!isProblem || pe.Error() != "POST /orders/"+cancelID+"/cancel: "+c.wantErr):
				t.Errorf("err = %v, want … %s", err, c.wantErr)
			}
		})
	}
}

func TestAwaitedCompensations(t *testing.T) {
	steps := func(names ...string) []Step {
		var out []Step
		for _, n := range names {
			out = append(out, Step{Step: StepName(n)})
		}
		return out
	}
	for _, c := range []struct {
		status string
		steps  []Step
		want   []string
	}{
		{"CANCELLED", steps("placed", "reserved", "invoiced", "cancelled"), []string{"released", "voided"}},
		{"CANCELLED", steps("placed", "reserved", "invoiced", "cancelled", "released"), []string{"voided"}},
		{"CANCELLED", steps("placed", "reserved", "invoiced", "cancelled", "voided", "released"), nil},
		{"CANCELLED", steps("placed", "cancelled"), nil},
		{"FAILED", steps("placed", "reserved", "declined", "failed"), []string{"released"}},
		{"FAILED", steps("placed", "reserved", "declined", "released", "failed"), nil},
		{"CONFIRMED", steps("placed", "reserved", "invoiced", "confirmed"), nil},
		{"PENDING", steps("placed", "reserved"), nil},
	} {
		got := AwaitedCompensations(Order{Status: OrderStatus(c.status), Timeline: c.steps})
		if !slices.Equal(got, c.want) {
			t.Errorf("%s %v: %v, want %v", c.status, c.steps, got, c.want)
		}
	}
}
