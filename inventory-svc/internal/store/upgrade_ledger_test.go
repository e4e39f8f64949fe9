package store

import (
	"context"
	"database/sql"
	"testing"

	"github.com/orderflow/platform/sqlitedb/sqlitedbtest"
)

// A database from before the opening balances were recorded gets them from
// what on_hand minus the movements was at the upgrade, so its ledger agrees.
func TestUpgradedDatabaseLedgerAgrees(t *testing.T) {
	open := func(ctx context.Context, path string) (*sql.DB, error) {
		s, err := Open(ctx, path)
		if err != nil {
			return nil, err
		}
		return s.DB, nil
	}
	path := sqlitedbtest.CheckUpgrade(t, "testdata/before-goose.db", []string{"stock", "reservations", "stock_movements"}, open, Schemas...)
	st, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	lines, err := st.Ledger(context.Background())
	if err != nil || len(lines) == 0 {
		t.Fatalf("Ledger = %v, %v", lines, err)
	}
	held := 0
	for _, l := range lines {
		held += l.Held
		if !l.Agrees() {
			t.Errorf("%s disagrees after the upgrade: %+v", l.SKU, l)
		}
	}
	if held == 0 {
		t.Fatal("the fixture's reservations hold nothing: the test proves nothing about reserved")
	}
}
