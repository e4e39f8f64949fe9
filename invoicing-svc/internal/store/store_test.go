package store_test

import (
	"context"
	"database/sql"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/orderflow/platform/database"
	"github.com/orderflow/platform/database/dbtest"

	"github.com/orderflow/platform/events"

	"github.com/orderflow/invoicing-svc/internal/invoice"
	"github.com/orderflow/invoicing-svc/internal/store"
)

var t0 = time.Date(2025, 11, 3, 9, 0, 0, 0, time.UTC)

// open is a fresh store on d (platform/database/dbtest).
func open(t *testing.T, d database.Dialect) *store.Store {
	t.Helper()
	st, err := store.OpenAt(context.Background(), dbtest.Target(t, d))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// plenty is a credit no test charge comes near (as DEFAULT_CREDIT_LIMIT_CENTS).
const plenty = 100_000_000_000

// issue charges an order of cust-1 with plenty of credit; created is whether
// this call charged it (false: it was charged before).
func issue(t *testing.T, st *store.Store, orderID string, at time.Time, items ...events.Line) (invoice.Invoice, bool, error) {
	t.Helper()
	out, err := charge(t, st, store.Ledger{DefaultLimitCents: plenty}, store.Order{OrderID: orderID, CustomerID: "cust-1", Items: items}, at)
	return out.Invoice, err == nil && out.Action == invoice.Charge, err
}

func charge(t *testing.T, st *store.Store, l store.Ledger, o store.Order, at time.Time) (store.Outcome, error) {
	t.Helper()
	var out store.Outcome
	err := st.InTx(context.Background(), func(tx *sql.Tx) error {
		var err error
		out, err = l.Charge(context.Background(), tx, o, at)
		return err
	})
	return out, err
}

func TestIssueIdempotentPerOrder(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d database.Dialect) {
		st := open(t, d)
		const order1 = "a0000000-0000-4000-8000-000000000001"
		inv, created, err := issue(t, st, order1, t0, events.Line{SKU: "SKU-001", Qty: 2}, events.Line{SKU: "SKU-003", Qty: 1})
		if err != nil || !created {
			t.Fatalf("Issue = %v, created=%v", err, created)
		}
		if inv.ID == "" || inv.OrderID != order1 || inv.TotalCents != 5030 || inv.Currency != "EUR" || len(inv.Lines) != 2 || inv.Status != invoice.Issued || inv.Reason != "" {
			t.Fatalf("invoice = %+v", inv)
		}

		again, created, err := issue(t, st, order1, t0.Add(time.Hour), events.Line{SKU: "SKU-004", Qty: 9})
		if err != nil || created {
			t.Fatalf("second Issue = %v, created=%v; want the first invoice", err, created)
		}
		if again.ID != inv.ID || again.TotalCents != 5030 || !again.IssuedAt.Equal(t0) || !reflect.DeepEqual(again.Lines, inv.Lines) {
			t.Fatalf("second Issue = %+v, want %+v", again, inv)
		}

		n, total, err := st.Totals(context.Background())
		if err != nil || n != 1 || total != 5030 {
			t.Fatalf("Totals = %d, %d, %v; want 1 invoice of 5030", n, total, err)
		}
		byOrder, err := st.ByOrder(context.Background(), order1)
		if err != nil || len(byOrder) != 1 || byOrder[0].ID != inv.ID {
			t.Fatalf("ByOrder = %+v, %v", byOrder, err)
		}
		got, err := st.Get(context.Background(), inv.ID)
		if err != nil || !reflect.DeepEqual(got, inv) {
			t.Fatalf("Get = %+v, %v; want %+v", got, err, inv)
		}
	})
}

func TestIssueNoPriceStoresNothing(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d database.Dialect) {
		st := open(t, d)
		_, created, err := issue(t, st, "a0000000-0000-4000-8000-000000000002", t0, events.Line{SKU: "SKU-001", Qty: 1}, events.Line{SKU: "SKU-777", Qty: 1})
		var np *invoice.NoPriceError
		if !errors.As(err, &np) || np.SKU != "SKU-777" || created {
			t.Fatalf("Issue = %v, created=%v; want NoPriceError for SKU-777", err, created)
		}
		if n, _, _ := st.Totals(context.Background()); n != 0 {
			t.Fatalf("%d invoices stored after a NoPriceError", n)
		}
	})
}

func TestRecentAndLookups(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d database.Dialect) {
		st := open(t, d)
		var ids []string
		for i, oid := range []string{"b0000000-0000-4000-8000-000000000001", "b0000000-0000-4000-8000-000000000002", "b0000000-0000-4000-8000-000000000003"} {
			inv, _, err := issue(t, st, oid, t0.Add(time.Duration(i)*time.Minute), events.Line{SKU: "SKU-002", Qty: i + 1})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, inv.ID)
		}
		recent, next, err := st.List(context.Background(), store.Filter{Limit: 2})
		if err != nil || len(recent) != 2 || recent[0].ID != ids[2] || recent[1].ID != ids[1] || next != ids[1] {
			t.Fatalf("List(limit 2) = %+v, next %q, %v; want the two newest", recent, next, err)
		}
		n, total, _ := st.Totals(context.Background())
		if n != 3 || total != 4900*6 {
			t.Fatalf("Totals = %d, %d; want 3, %d", n, total, 4900*6)
		}
		if _, err := st.Get(context.Background(), "c0000000-0000-4000-8000-000000000000"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("Get(unknown) = %v, want ErrNotFound", err)
		}
		if list, err := st.ByOrder(context.Background(), "c0000000-0000-4000-8000-000000000000"); err != nil || len(list) != 0 {
			t.Fatalf("ByOrder(unknown) = %+v, %v; want none", list, err)
		}
	})
}
