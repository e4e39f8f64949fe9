package audit

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	oapi "github.com/orderflow/flowctl/internal/api/client"
	"github.com/orderflow/flowctl/internal/stackmode"
)

func check(t *testing.T, f *fakeLedger, o Options) Report {
	t.Helper()
	o.Now = clock
	rep, err := Check(context.Background(), serveFake(t, f), o)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func kinds(r Report) []Kind {
	var out []Kind
	for _, b := range r.Breaches {
		if !slices.Contains(out, b.Kind) {
			out = append(out, b.Kind)
		}
	}
	return out
}

func TestACleanLedgerPasses(t *testing.T) {
	rep := check(t, cleanLedger(), Options{Mode: stackmode.Events})
	if !rep.OK() {
		t.Fatalf("breaches on a clean ledger: %v", rep.Lines())
	}
	c := rep.Checked
	if c.Orders != 5 || c.Judged != 4 || c.Reservations != 4 || c.Invoices != 3 || c.Customers != 3 || c.SKUs != 2 || rep.InFlight != 1 {
		t.Errorf("counts = %+v, in flight %d", c, rep.InFlight)
	}
	if c.ByStatus["CONFIRMED"] != 1 || c.ByStatus["PENDING"] != 1 || rep.Rounds != 1 || rep.Mode != "events" {
		t.Errorf("by status %v, rounds %d, mode %q", c.ByStatus, rep.Rounds, rep.Mode)
	}
	for _, want := range []string{"events: checked 5 orders (1 CANCELLED, 1 CONFIRMED, 1 FAILED, 1 PENDING, 1 REJECTED)", "4 reservations, 3 invoices, 3 customers' credit, 2 SKUs; 1 in flight (deadline ORDER_DEADLINE 30s)"} {
		if !strings.Contains(rep.Summary(), want) {
			t.Errorf("summary %q lacks %q", rep.Summary(), want)
		}
	}
	if want := "5 orders, 4 of them final and held against the services, 1 in flight (deadline ORDER_DEADLINE 30s); 4 reservations, 3 invoices, 3 customers' credit, 2 SKUs"; rep.Brief() != want {
		t.Errorf("brief %q, want %q", rep.Brief(), want)
	}
	if rep.Verdict() != "events: the ledger agrees" {
		t.Errorf("verdict = %q", rep.Verdict())
	}
}

// breachCases break a clean ledger in one way each, keeping the rest
// coherent, so each finds exactly its own kind.
type breachCase struct {
	kind  Kind
	whose string // the order, SKU or customer the breach names
	what  string
	spoil func(f *fakeLedger)
}

var breachCases = []breachCase{
	{ConfirmedNotHeld, "o-confirmed", "CONFIRMED with 0 held reservations", func(f *fakeLedger) {
		f.set("r-confirmed", func(r *oapi.Reservation) { r.Status = "RELEASED" })
		f.withHeld(-2)
	}},
	{ConfirmedNotCharged, "o-confirmed", "CONFIRMED with 0 ISSUED invoices", func(f *fakeLedger) {
		f.setInvoice("i-confirmed", func(i *oapi.Invoice) { i.Status = "VOIDED" })
		f.credits["cust-1"] = 0
	}},
	{EndedStillHeld, "o-cancelled", "CANCELLED (customer), yet reservation r-cancelled still holds 2 units", func(f *fakeLedger) {
		f.set("r-cancelled", func(r *oapi.Reservation) { r.Status = "RESERVED" })
		f.withHeld(2)
	}},
	{EndedStillCharged, "o-cancelled", "CANCELLED (customer), yet invoice i-cancelled is ISSUED (€20.00 charged to cust-2)", func(f *fakeLedger) {
		f.setInvoice("i-cancelled", func(i *oapi.Invoice) { i.Status = "ISSUED" })
		f.credits["cust-2"] = 2000
	}},
	{CreditNotRestored, "cust-2", "charged €5.00, but its ISSUED invoices add up to €0.00", func(f *fakeLedger) {
		f.credits["cust-2"] = 500
	}},
	{StockOnHand, "SKU-002", "on_hand 4, but its opening stock and movements add up to 5", func(f *fakeLedger) {
		f.ledger[1].OnHand = 4
	}},
	{StockReserved, "SKU-001", "reserved 3, but its held reservations hold 2", func(f *fakeLedger) {
		f.ledger[0].Reserved = 3
	}},
	{PastDeadline, "o-pending", "PENDING for 31s, over the deadline (ORDER_DEADLINE 30s)", func(f *fakeLedger) {
		f.orders[4].PlacedAt = now.Add(-31 * time.Second)
	}},
	{UnknownOrderHeld, "o-never", "order-svc has no such order, yet reservation r-never holds 2 units", func(f *fakeLedger) {
		f.reservations = append(f.reservations, reservation("r-never", "o-never", "RESERVED"))
		f.withHeld(2)
	}},
	{UnknownOrderCharged, "o-never", "order-svc has no such order, yet invoice i-never is ISSUED (€7.00 charged to cust-9)", func(f *fakeLedger) {
		f.invoices = append(f.invoices, invoice("i-never", "o-never", "cust-9", "ISSUED", 700))
		f.credits["cust-9"] = 700
	}},
}

func TestEveryBreachIsFound(t *testing.T) {
	for _, tc := range breachCases {
		t.Run(string(tc.kind), func(t *testing.T) {
			f := cleanLedger()
			tc.spoil(f)
			rep := check(t, f, Options{Mode: stackmode.Events})
			if got := kinds(rep); len(got) != 1 || got[0] != tc.kind {
				t.Fatalf("kinds %v, want only %s: %v", got, tc.kind, rep.Lines())
			}
			b := rep.Breaches[0]
			if b.OrderID+b.SKU+b.Customer != tc.whose || !strings.Contains(b.What, tc.what) {
				t.Errorf("breach %q, want %s: …%s…", b, tc.whose, tc.what)
			}
			if !strings.HasPrefix(rep.Verdict(), "events: 1 ledger breach(es), first: ") || Breached([]Report{rep}) == nil {
				t.Errorf("verdict %q, breached %v", rep.Verdict(), Breached([]Report{rep}))
			}
		})
	}
}

// TestEveryKindHasACase keeps TestEveryBreachIsFound whole: a rule without
// a case would go untested.
func TestEveryKindHasACase(t *testing.T) {
	for _, k := range Kinds {
		if !slices.ContainsFunc(breachCases, func(c breachCase) bool { return c.kind == k }) {
			t.Errorf("no breach case for %s", k)
		}
	}
}

func TestSyncDeadlineIsThePlacingRequestsLife(t *testing.T) {
	for _, tc := range []struct {
		age   time.Duration
		stuck bool
	}{{8 * time.Second, false}, {10 * time.Second, true}} {
		f := cleanLedger()
		f.mode, f.knobs = "sync", map[string]any{"HTTP_CLIENT_TIMEOUT": "2s"}
		f.orders[4].PlacedAt = now.Add(-tc.age)
		rep := check(t, f, Options{Mode: stackmode.Sync})
		if got := !rep.OK(); got != tc.stuck || !strings.HasPrefix(rep.Deadline, "9s: the placing request's") {
			t.Errorf("age %s: stuck %v, want %v (deadline %q): %v", tc.age, got, tc.stuck, rep.Deadline, rep.Lines())
		}
	}
}

func TestDeadlineOffJudgesNothingStuck(t *testing.T) {
	f := cleanLedger()
	f.knobs["ORDER_DEADLINE"] = "off"
	f.orders[4].PlacedAt = now.Add(-time.Hour)
	if rep := check(t, f, Options{Mode: stackmode.Events}); !rep.OK() || rep.InFlight != 1 {
		t.Errorf("in flight %d: %v", rep.InFlight, rep.Lines())
	}
}

func TestAnOrderPlacedDuringTheCheckIsNotJudged(t *testing.T) {
	f := cleanLedger()
	// Placed after the first read of the orders and confirmed by the last:
	// its reservation was read, its invoice (issued after the invoices were
	// read) was not. Neither a missing invoice nor an unknown order.
	f.onListing = func(f *fakeLedger, n int) {
		if n == 1 {
			f.orders = append(f.orders, order("o-late", "cust-1", "CONFIRMED", "", 0))
		}
	}
	f.reservations = append(f.reservations, reservation("r-late", "o-late", "RESERVED"))
	f.withHeld(2)
	rep := check(t, f, Options{Mode: stackmode.Events})
	if !rep.OK() || rep.InFlight != 2 || rep.Checked.Judged != 4 || rep.Checked.Orders != 6 {
		t.Errorf("in flight %d, counts %+v: %v", rep.InFlight, rep.Checked, rep.Lines())
	}
}

func TestSettleWaitsForTheCompensation(t *testing.T) {
	broken := func() *fakeLedger {
		f := cleanLedger()
		f.set("r-cancelled", func(r *oapi.Reservation) { r.Status = "RESERVED" })
		f.withHeld(2)
		return f
	}
	if rep := check(t, broken(), Options{Mode: stackmode.Events}); rep.OK() || rep.Rounds != 1 {
		t.Fatalf("without settling: rounds %d, %v", rep.Rounds, rep.Lines())
	}
	f := broken()
	f.onListing = func(f *fakeLedger, n int) {
		if n == 4 { // the third check: inventory-svc has released it
			f.set("r-cancelled", func(r *oapi.Reservation) { r.Status = "RELEASED" })
			f.withHeld(-2)
		}
	}
	rep := check(t, f, Options{Mode: stackmode.Events, Settle: 10 * time.Second, Poll: time.Millisecond})
	if !rep.OK() || rep.Rounds != 3 || !strings.HasPrefix(rep.Verdict(), "events: the ledger agrees (after 3 checks in ") {
		t.Errorf("rounds %d, verdict %q: %v", rep.Rounds, rep.Verdict(), rep.Lines())
	}
}

func TestSettleGivesUpAtItsBound(t *testing.T) {
	f := cleanLedger()
	f.ledger[0].Reserved = 3
	start := time.Now()
	rep, err := Check(context.Background(), serveFake(t, f), Options{Mode: stackmode.Events, Settle: 50 * time.Millisecond, Poll: 5 * time.Millisecond})
	if err != nil || rep.OK() || rep.Rounds < 2 || time.Since(start) > 5*time.Second {
		t.Errorf("err %v, rounds %d after %s: %v", err, rep.Rounds, time.Since(start), rep.Lines())
	}
}

func TestTheWrongStackIsAnError(t *testing.T) {
	_, err := Check(context.Background(), serveFake(t, cleanLedger()), Options{Mode: stackmode.Sync})
	if err == nil || !strings.Contains(err.Error(), "runs the events stack, not sync") {
		t.Errorf("err = %v", err)
	}
	// The orchestrated stack is told from the choreographed one by its SAGA.
	f := cleanLedger()
	f.knobs["SAGA"] = "orchestration"
	if _, err := Check(context.Background(), serveFake(t, f), Options{Mode: stackmode.Events}); err == nil || !strings.Contains(err.Error(), "runs the events-orchestration stack, not events") {
		t.Errorf("err = %v", err)
	}
	rep, err := Check(context.Background(), serveFake(t, f), Options{Mode: stackmode.Orchestration})
	if err != nil || rep.Mode != "events-orchestration" {
		t.Errorf("orchestration: %v, %v", err, rep.Lines())
	}
}
