package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/orderflow/platform/sqlitedb"
)

// TestOpenUpgradesADatabaseWithoutMovements: a database created before the
// stock movements (the first six migrations) gains the table on the next
// Open and keeps its stock.
func TestOpenUpgradesADatabaseWithoutMovements(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "inventory.db")
	db, err := sqlitedb.Open(ctx, path, migrations[:6]...)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO stock(sku, name, on_hand, reserved) VALUES ('SKU-005', 'Limited edition kettle', 1, 1)`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	st, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open of an older database: %v", err)
	}
	defer st.Close()
	var it struct{ onHand, reserved int }
	err = st.InTx(ctx, func(tx *sql.Tx) error {
		_, item, _, err := Receive(ctx, tx, "SKU-005", 4, "DN-1", time.Now())
		it.onHand, it.reserved = item.OnHand, item.Reserved
		return err
	})
	if err != nil || it.onHand != 5 || it.reserved != 1 {
		t.Fatalf("receipt on the upgraded database: on_hand %d, reserved %d, %v; want 5, 1 (its stock kept)", it.onHand, it.reserved, err)
	}
}
