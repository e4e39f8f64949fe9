package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/orderflow/platform/database"
	"github.com/orderflow/platform/database/dbtest"

	"github.com/orderflow/order-svc/internal/order"
	"github.com/orderflow/order-svc/internal/store"
)

// openStore is a fresh store on d (platform/database/dbtest).
func openStore(t *testing.T, d database.Dialect) *store.Store {
	t.Helper()
	st, err := store.OpenAt(context.Background(), dbtest.Target(t, d))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func insert(t *testing.T, st *store.Store, os ...order.Order) {
	t.Helper()
	ctx := context.Background()
	if err := st.InTx(ctx, func(tx *sql.Tx) error {
		for _, o := range os {
			if err := store.Insert(ctx, tx, o); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

func newOrder(i int, placed time.Time) order.Order {
	return order.New(fmt.Sprintf("%08d-0000-4000-8000-000000000000", i), order.Draft{CustomerID: "c", Items: []order.Line{{SKU: "SKU-001", Qty: 1}}}, "", placed)
}

// Every field of an order, the saga's steps included, survives a write and a
// read, through Insert and through Update.
func TestRoundTrip(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d database.Dialect) {
		st := openStore(t, d)
		ctx := context.Background()
		o := newOrder(1, t0)
		o.TraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
		insert(t, st, o)
		if got, err := st.Get(ctx, o.ID); err != nil || !reflect.DeepEqual(got, o) {
			t.Fatalf("Get after Insert = %+v, %v\nwant %+v", got, err, o)
		}
		ms := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Millisecond) }
		_ = o.MarkReserved("res-1", ms(1))
		_ = o.MarkDeclined(ms(2))
		_, _ = o.Cancel("customer", ms(3))
		_ = o.MarkReleased("customer", "", ms(4))
		_ = o.MarkInvoiced("inv-1", 120, ms(5))
		_ = o.MarkVoided(ms(6))
		if err := st.InTx(ctx, func(tx *sql.Tx) error { return store.Update(ctx, tx, o) }); err != nil {
			t.Fatal(err)
		}
		got, err := st.Get(ctx, o.ID)
		if err != nil || !reflect.DeepEqual(got, o) {
			t.Fatalf("Get = %+v, %v\nwant %+v", got, err, o)
		}
		u := order.NewUnknown("00000002-0000-4000-8000-000000000000", "c-2", nil, ms(7))
		insert(t, st, u)
		if got, err := st.Get(ctx, u.ID); err != nil || !reflect.DeepEqual(got, u) {
			t.Fatalf("Get = %+v, %v\nwant %+v", got, err, u)
		}
	})
}

func TestPage(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d database.Dialect) {
		st := openStore(t, d)
		ctx := context.Background()
		// Ids and placement times both out of insertion order: the page order is
		// the insertion order, whatever they say.
		var want []string
		for _, i := range []int{5, 2, 9, 1, 7} {
			o := newOrder(i, t0.Add(time.Duration(10-i)*time.Second))
			insert(t, st, o)
			want = append(want, o.ID)
		}
		var got []string
		after := ""
		for pages := 0; ; pages++ {
			list, more, err := st.Page(ctx, after, 2)
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range list {
				got = append(got, o.ID)
			}
			if !more {
				if pages != 2 || len(list) != 1 {
					t.Fatalf("last page %d holds %d orders, want page 2 with 1", pages, len(list))
				}
				break
			}
			after = list[len(list)-1].ID
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("paged %v, want %v", got, want)
		}
		if list, more, err := st.Page(ctx, want[4], 10); err != nil || more || len(list) != 0 {
			t.Fatalf("page after the last = %v, %v, %v; want empty", list, more, err)
		}
		if _, _, err := st.Page(ctx, "ffffffff-0000-4000-8000-000000000000", 10); !errors.Is(err, store.ErrUnknownCursor) {
			t.Fatalf("unknown cursor: err = %v", err)
		}
	})
}

func TestOverdue(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d database.Dialect) {
		st := openStore(t, d)
		ctx := context.Background()
		// Placement times whose RFC 3339 text sorts differently from the instants
		// (a whole second has no fraction: "…:00Z" > "…:00.5Z" as text).
		old := newOrder(1, t0)                                  // …:00Z
		half := newOrder(2, t0.Add(500*time.Millisecond))       // …:00.5Z
		justAfter := newOrder(3, t0.Add(1001*time.Millisecond)) // after the cutoff
		reserved := newOrder(4, t0.Add(-time.Second))           // RESERVED counts
		done := newOrder(5, t0.Add(-2*time.Second))             // final orders never
		_ = reserved.MarkReserved("r", t0)
		_ = done.MarkRejected("short", t0)
		insert(t, st, old, half, justAfter, reserved, done)
		list, err := st.Overdue(ctx, t0.Add(time.Second), 10)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, o := range list {
			ids = append(ids, o.ID)
		}
		if want := []string{old.ID, half.ID, reserved.ID}; !reflect.DeepEqual(ids, want) {
			t.Fatalf("overdue = %v, want %v", ids, want)
		}
		if list, _ := st.Overdue(ctx, t0.Add(time.Second), 2); len(list) != 2 {
			t.Fatalf("a batch of 2 returned %d", len(list))
		}
	})
}
