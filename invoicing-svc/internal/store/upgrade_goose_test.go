package store

import (
	"context"
	"database/sql"
	"testing"

	"github.com/orderflow/platform/sqlitedb/sqlitedbtest"

	"github.com/orderflow/invoicing-svc/internal/invoice"
)

// testdata/before-goose.db was written by invoicing-svc before its schema moved to
// goose (positional migrations in schema_migrations), in events mode, so it
// holds rows in every table. It opens under the current code with every row
// intact.
func TestDatabaseFromBeforeGooseUpgradesInPlace(t *testing.T) {
	open := func(ctx context.Context, path string) (*sql.DB, error) {
		s, err := Open(ctx, path)
		if err != nil {
			return nil, err
		}
		return s.DB, nil
	}
	path := sqlitedbtest.CheckUpgrade(t, "testdata/before-goose.db", []string{"invoices", "outbox", "processed_events"}, open, Schemas...)

	// The invoices from before the saga were all charged: they read as
	// ISSUED and count against their customers' credit.
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	list, _, err := s.List(context.Background(), Filter{Limit: 100})
	if err != nil || len(list) != 5 {
		t.Fatalf("List = %d invoices, %v; want the fixture's 5", len(list), err)
	}
	for _, inv := range list {
		if inv.Status != invoice.Issued || inv.Reason != "" || !inv.VoidedAt.IsZero() || inv.IssuedAt.IsZero() {
			t.Errorf("old invoice %+v, want ISSUED with its time", inv)
		}
	}
	if c, err := s.Credit(context.Background(), "cust-ken", 100000); err != nil || c.ChargedCents != 39690 || c.RemainingCents() != 100000-39690 {
		t.Fatalf("cust-ken's credit = %+v, %v; want 39690 charged", c, err)
	}
}
