package orderwatch

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

// cancelled is an order cancelled after its reservation: the release comes
// after the final status, and a late `invoiced` step (the invoice issued
// before the cancel reached invoicing-svc) sorts before `cancelled`.
var cancelled = []string{
	`{"id":"` + orderID + `","status":"RESERVED","final":false,"timeline":[{"step":"placed","after_ms":0},{"step":"reserved","after_ms":12}]}`,
	`{"id":"` + orderID + `","status":"CANCELLED","final":true,"reason":"customer","time_to_final_ms":40,"timeline":[{"step":"placed","after_ms":0},{"step":"reserved","after_ms":12},{"step":"cancelled","after_ms":40}]}`,
	`{"id":"` + orderID + `","status":"CANCELLED","final":true,"reason":"customer","time_to_final_ms":40,"timeline":[{"step":"placed","after_ms":0},{"step":"reserved","after_ms":12},{"step":"invoiced","after_ms":35},{"step":"cancelled","after_ms":40},{"step":"released","after_ms":55}]}`,
	`{"id":"` + orderID + `","status":"CANCELLED","final":true,"reason":"customer","time_to_final_ms":40,"timeline":[{"step":"placed","after_ms":0},{"step":"reserved","after_ms":12},{"step":"invoiced","after_ms":35},{"step":"cancelled","after_ms":40},{"step":"released","after_ms":55},{"step":"voided","after_ms":60}]}`,
}

func TestWatchFollowsTheCompensations(t *testing.T) {
	s := fakeOrderSvc(t, cancelled)
	var out bytes.Buffer
	if err := watch(context.Background(), s, orderID, Config{Every: 5 * time.Millisecond, Timeout: 5 * time.Second}, &out); err != nil {
		t.Fatal(err)
	}
	want := "watching order " + orderID + " every 5ms (timeout 5s)\n" +
		"  +0ms     placed     RESERVED\n" +
		"  +12ms    reserved   RESERVED\n" +
		"  +40ms    cancelled  CANCELLED\n" +
		"final: CANCELLED after 40 ms — customer\n" +
		"waiting for released: what it holds is still to be undone\n" +
		"  +35ms    invoiced   CANCELLED\n" +
		"  +55ms    released   CANCELLED\n" +
		"  +60ms    voided     CANCELLED\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
}

func TestWatchJSONSaysTheReason(t *testing.T) {
	s := fakeOrderSvc(t, cancelled)
	var out bytes.Buffer
	if err := watch(context.Background(), s, orderID, Config{Every: 5 * time.Millisecond, Timeout: 5 * time.Second, JSON: true}, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	var evs []Event
	for _, l := range lines {
		var ev Event
		if err := json.Unmarshal([]byte(l), &ev); err != nil {
			t.Fatalf("not NDJSON: %q", l)
		}
		evs = append(evs, ev)
	}
	if len(evs) != 6 || evs[2] != (Event{OrderID: orderID, Step: "cancelled", Status: "CANCELLED", AfterMS: 40, Final: true, Reason: "customer"}) ||
		evs[5].Step != "voided" || !evs[5].Final {
		t.Errorf("events = %+v", evs)
	}
}

func TestWatchTimesOutWaitingForACompensation(t *testing.T) {
	s := fakeOrderSvc(t, cancelled[:2])
	var out bytes.Buffer
	err := watch(context.Background(), s, orderID, Config{Every: 5 * time.Millisecond, Timeout: 50 * time.Millisecond}, &out)
	want := "order " + orderID + " is CANCELLED, yet after 50ms still waits for released: what it holds was not undone; look at `flowctl dlq list` and `flowctl trace 0f0e0d0c --mode events`"
	var nf *NotFinalError
	if err == nil || err.Error() != want || errors.As(err, &nf) {
		t.Errorf("err = %v\nwant  %s", err, want)
	}
}
