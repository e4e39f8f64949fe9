package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orderflow/platform/database"
	"github.com/orderflow/platform/database/dbtest"

	"github.com/orderflow/platform/events"

	"github.com/orderflow/invoicing-svc/internal/invoice"
	"github.com/orderflow/invoicing-svc/internal/store"
)

func order(n int, customer string, items ...events.Line) store.Order {
	return store.Order{OrderID: fmt.Sprintf("d0000000-0000-4000-8000-%012d", n), CustomerID: customer, Items: items}
}

func cancel(t *testing.T, st *store.Store, orderID, reason string, at time.Time) store.Outcome {
	t.Helper()
	var out store.Outcome
	err := st.InTx(context.Background(), func(tx *sql.Tx) error {
		var err error
		out, err = store.Ledger{}.Cancel(context.Background(), tx, orderID, reason, at)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func credit(t *testing.T, st *store.Store, customer string) invoice.Credit {
	t.Helper()
	c, err := st.Credit(context.Background(), customer, plenty)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestChargeOverCreditIsDeclined: cust-thrifty (seeded, €100) is charged
// €98, then declined €49; the DECLINED row is the answer to every repeat,
// even after the limit is raised.
func TestChargeOverCreditIsDeclined(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d database.Dialect) {
		st := open(t, d)
		l := store.Ledger{DefaultLimitCents: plenty}
		first, err := charge(t, st, l, order(1, "cust-thrifty", events.Line{SKU: "SKU-002", Qty: 2}), t0)
		if err != nil || first.Action != invoice.Charge || first.Invoice.Status != invoice.Issued || first.Credit.LimitCents != 10_000 {
			t.Fatalf("first charge = %+v, %v", first, err)
		}
		second, err := charge(t, st, l, order(2, "cust-thrifty", events.Line{SKU: "SKU-002", Qty: 1}), t0.Add(time.Second))
		if err != nil || second.Invoice.Status != invoice.Declined || second.Credit.RemainingCents() != 200 {
			t.Fatalf("second charge = %+v, %v; want DECLINED with €2.00 remaining", second, err)
		}
		if r := second.Invoice.Reason; !strings.Contains(r, "€49.00") || !strings.Contains(r, "€2.00 of credit remaining") {
			t.Fatalf("decline reason %q names neither the amount nor the remaining credit", r)
		}
		if c := credit(t, st, "cust-thrifty"); c.ChargedCents != 9800 || c.LimitCents != 10_000 {
			t.Fatalf("credit = %+v, want 9800 charged of 10000", c)
		}
		if _, err := st.SetLimit(context.Background(), "cust-thrifty", plenty, t0); err != nil {
			t.Fatal(err)
		}
		again, err := charge(t, st, l, order(2, "cust-thrifty", events.Line{SKU: "SKU-002", Qty: 1}), t0.Add(time.Hour))
		if err != nil || again.Action != invoice.Nothing || again.Before != invoice.StateDeclined || again.Invoice.ID != second.Invoice.ID {
			t.Fatalf("repeat of the declined order = %+v, %v; want the same DECLINED invoice, no new attempt", again, err)
		}
		if n, total, _ := st.Totals(context.Background()); n != 1 || total != 9800 {
			t.Fatalf("Totals = %d, %d; a declined invoice is not charged", n, total)
		}
	})
}

// TestChargeAsksTheProviderOncePerCharge: the decline_rate draw happens once
// per charge and never on a repeat.
func TestChargeAsksTheProviderOncePerCharge(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d database.Dialect) {
		st := open(t, d)
		draws := 0
		l := store.Ledger{DefaultLimitCents: plenty, Decline: func() bool { draws++; return true }}
		o := order(3, "cust-ada", events.Line{SKU: "SKU-001", Qty: 1})
		out, err := charge(t, st, l, o, t0)
		if err != nil || out.Invoice.Status != invoice.Declined || out.Invoice.Reason != invoice.ProviderDeclined || draws != 1 {
			t.Fatalf("charge = %+v, %v, %d draws; want DECLINED by the provider after one draw", out, err, draws)
		}
		if _, err := charge(t, st, l, o, t0); err != nil || draws != 1 {
			t.Fatalf("repeat drew again (%d draws), %v", draws, err)
		}
		if c := credit(t, st, "cust-ada"); c.ChargedCents != 0 {
			t.Fatalf("credit after a provider decline = %+v", c)
		}
	})
}

// TestCancelVoidsAndGivesTheCreditBack: an issued invoice is voided once; a
// later StockReserved (redelivered) charges nothing again.
func TestCancelVoidsAndGivesTheCreditBack(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d database.Dialect) {
		st := open(t, d)
		o := order(4, "cust-thrifty", events.Line{SKU: "SKU-002", Qty: 2})
		issued, err := charge(t, st, store.Ledger{}, o, t0)
		if err != nil || issued.Invoice.Status != invoice.Issued {
			t.Fatal(issued, err)
		}
		if c := credit(t, st, "cust-thrifty"); c.RemainingCents() != 200 {
			t.Fatalf("remaining after the charge = %d", c.RemainingCents())
		}
		out := cancel(t, st, o.OrderID, events.ReasonDeadline, t0.Add(time.Minute))
		if out.Action != invoice.Void || out.Invoice.Status != invoice.Voided || out.Invoice.Reason != events.ReasonDeadline || !out.Invoice.VoidedAt.Equal(t0.Add(time.Minute)) {
			t.Fatalf("cancel = %+v", out)
		}
		got, err := st.Get(context.Background(), issued.Invoice.ID)
		if err != nil || got.Status != invoice.Voided || got.Reason != events.ReasonDeadline || !got.VoidedAt.Equal(t0.Add(time.Minute)) || got.TotalCents != 9800 {
			t.Fatalf("stored = %+v, %v", got, err)
		}
		if c := credit(t, st, "cust-thrifty"); c.ChargedCents != 0 || c.RemainingCents() != 10_000 {
			t.Fatalf("credit after the void = %+v, want all back", c)
		}
		if again := cancel(t, st, o.OrderID, events.ReasonCustomer, t0.Add(time.Hour)); again.Action != invoice.Nothing || again.Invoice.Reason != events.ReasonDeadline {
			t.Fatalf("second cancel = %+v, want nothing (first reason kept)", again)
		}
		late, err := charge(t, st, store.Ledger{}, o, t0.Add(time.Hour))
		if err != nil || late.Action != invoice.Nothing || late.Invoice.Status != invoice.Voided {
			t.Fatalf("StockReserved after the void = %+v, %v", late, err)
		}
	})
}

// TestCancelBeforeTheChargeLeavesATombstone: a StockReserved after the
// cancellation charges nothing and stores no invoice.
func TestCancelBeforeTheChargeLeavesATombstone(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d database.Dialect) {
		st := open(t, d)
		o := order(5, "cust-ada", events.Line{SKU: "SKU-004", Qty: 1})
		if out := cancel(t, st, o.OrderID, events.ReasonCustomer, t0); out.Action != invoice.Remember || out.Before != invoice.StateNone {
			t.Fatalf("cancel of an unknown order = %+v", out)
		}
		if out := cancel(t, st, o.OrderID, events.ReasonCustomer, t0); out.Action != invoice.Nothing || out.Before != invoice.StateCancelled {
			t.Fatalf("second cancel = %+v", out)
		}
		out, err := charge(t, st, store.Ledger{}, o, t0.Add(time.Second))
		if err != nil || out.Action != invoice.Nothing || out.Before != invoice.StateCancelled || out.Invoice.ID != "" {
			t.Fatalf("StockReserved after the cancel = %+v, %v", out, err)
		}
		if list, _ := st.ByOrder(context.Background(), o.OrderID); len(list) != 0 {
			t.Fatalf("invoices of a cancelled order: %+v", list)
		}
	})
}

func TestVoidInvoice(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d database.Dialect) {
		st := open(t, d)
		void := func(id string) (store.Outcome, error) {
			var out store.Outcome
			err := st.InTx(context.Background(), func(tx *sql.Tx) error {
				var err error
				out, err = store.Ledger{}.VoidInvoice(context.Background(), tx, id, events.ReasonCustomer, t0)
				return err
			})
			return out, err
		}
		if _, err := void("e0000000-0000-4000-8000-000000000000"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("void of an unknown invoice = %v, want ErrNotFound", err)
		}
		issued, _ := charge(t, st, store.Ledger{DefaultLimitCents: plenty}, order(6, "c", events.Line{SKU: "SKU-001", Qty: 1}), t0)
		if out, err := void(issued.Invoice.ID); err != nil || out.Action != invoice.Void || out.Invoice.Status != invoice.Voided {
			t.Fatalf("void = %+v, %v", out, err)
		}
		if out, err := void(issued.Invoice.ID); err != nil || out.Action != invoice.Nothing || out.Invoice.Status != invoice.Voided {
			t.Fatalf("second void = %+v, %v", out, err)
		}
		declined, _ := charge(t, st, store.Ledger{}, order(7, "cust-broke", events.Line{SKU: "SKU-001", Qty: 1}), t0)
		if out, err := void(declined.Invoice.ID); err != nil || out.Action != invoice.Nothing || out.Invoice.Status != invoice.Declined {
			t.Fatalf("void of a declined invoice = %+v, %v; want nothing", out, err)
		}
	})
}

// TestConcurrentChargesNeverExceedTheLimit: 20 charges of €18.90 against
// €100 at once: exactly 5 fit, the other 15 are declined.
func TestConcurrentChargesNeverExceedTheLimit(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d database.Dialect) {
		st := open(t, d)
		if _, err := st.SetLimit(context.Background(), "cust-race", 10_000, t0); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make(chan error, 20)
		for i := range 20 {
			wg.Go(func() {
				_, err := charge(t, st, store.Ledger{DefaultLimitCents: plenty}, order(100+i, "cust-race", events.Line{SKU: "SKU-001", Qty: 1}), t0)
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		issued, _, _ := st.List(context.Background(), store.Filter{Status: invoice.Issued, Limit: 100})
		declined, _, _ := st.List(context.Background(), store.Filter{Status: invoice.Declined, Limit: 100})
		if c := credit(t, st, "cust-race"); len(issued) != 5 || len(declined) != 15 || c.ChargedCents != 5*1890 || c.ChargedCents > c.LimitCents {
			t.Fatalf("%d issued, %d declined, credit %+v; want 5 and 15, 9450 charged", len(issued), len(declined), c)
		}
	})
}

func TestSeededCustomersAndSetLimit(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d database.Dialect) {
		target := dbtest.Target(t, d)
		st, err := store.OpenAt(context.Background(), target)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range invoice.Seeded {
			if c, _ := st.Credit(context.Background(), s.CustomerID, plenty); c.LimitCents != s.LimitCents {
				t.Errorf("%s limit = %d, want the seeded %d", s.CustomerID, c.LimitCents, s.LimitCents)
			}
		}
		if c, _ := st.Credit(context.Background(), "cust-nobody", plenty); c.LimitCents != plenty || c.ChargedCents != 0 || c.CustomerID != "cust-nobody" {
			t.Errorf("a customer without a limit = %+v, want the default", c)
		}
		for range 2 { // idempotent
			c, err := st.SetLimit(context.Background(), "cust-broke", 5000, t0)
			if err != nil || c.LimitCents != 5000 || c.RemainingCents() != 5000 {
				t.Fatalf("SetLimit = %+v, %v", c, err)
			}
		}
		if _, err := st.SetLimit(context.Background(), "cust-broke", -1, t0); !errors.Is(err, invoice.ErrLimitRange) {
			t.Fatalf("SetLimit(-1) = %v", err)
		}
		st.Close()
		// A limit set through the API survives a restart; the seed does not overwrite it.
		st, err = store.OpenAt(context.Background(), target)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if c, _ := st.Credit(context.Background(), "cust-broke", plenty); c.LimitCents != 5000 {
			t.Fatalf("after a restart cust-broke's limit = %d, want 5000", c.LimitCents)
		}
	})
}

// TestListPagesAndFilters: pages newest first, each after the last id of the
// one before, filtered by order and status; an unknown cursor is an error.
func TestListPagesAndFilters(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d database.Dialect) {
		st := open(t, d)
		l := store.Ledger{DefaultLimitCents: plenty}
		var want []string // newest first
		for i := range 5 {
			customer := "cust-ada"
			if i == 3 {
				customer = "cust-broke"
			}
			out, err := charge(t, st, l, order(200+i, customer, events.Line{SKU: "SKU-003", Qty: 1}), t0.Add(time.Duration(i)*time.Millisecond))
			if err != nil {
				t.Fatal(err)
			}
			want = append([]string{out.Invoice.ID}, want...)
		}
		cancel(t, st, order(201, "").OrderID, events.ReasonCustomer, t0.Add(time.Hour))

		var got []string
		after := ""
		for pages := 0; ; pages++ {
			page, next, err := st.List(context.Background(), store.Filter{After: after, Limit: 2})
			if err != nil || pages > 3 {
				t.Fatalf("page %d: %v", pages, err)
			}
			for _, inv := range page {
				got = append(got, inv.ID)
			}
			if next == "" {
				break
			}
			after = next
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("paged = %v, want %v", got, want)
		}
		for status, n := range map[invoice.Status]int{invoice.Issued: 3, invoice.Declined: 1, invoice.Voided: 1} {
			page, next, err := st.List(context.Background(), store.Filter{Status: status, Limit: 10})
			if err != nil || len(page) != n || next != "" {
				t.Errorf("status %s: %d invoices, next %q, %v; want %d", status, len(page), next, err, n)
			}
			for _, inv := range page {
				if inv.Status != status {
					t.Errorf("status %s listed %+v", status, inv)
				}
			}
		}
		if page, _, err := st.List(context.Background(), store.Filter{OrderID: order(203, "").OrderID, Status: invoice.Declined, Limit: 10}); err != nil || len(page) != 1 || page[0].CustomerID != "cust-broke" {
			t.Errorf("order 203 declined = %+v, %v", page, err)
		}
		if page, _, err := st.List(context.Background(), store.Filter{OrderID: order(203, "").OrderID, Status: invoice.Issued, Limit: 10}); err != nil || len(page) != 0 {
			t.Errorf("order 203 issued = %+v, %v; want none", page, err)
		}
		if _, _, err := st.List(context.Background(), store.Filter{After: "e0000000-0000-4000-8000-000000000000", Limit: 10}); !errors.Is(err, store.ErrUnknownCursor) {
			t.Errorf("unknown cursor = %v", err)
		}
	})
}
