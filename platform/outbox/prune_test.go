package outbox_test

import (
	"context"
	"testing"
	"time"

	"github.com/orderflow/platform/database"
	"github.com/orderflow/platform/database/dbtest"

	"github.com/orderflow/platform/outbox"
)

func TestPruneDeletesOnlyOldPublishedRows(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d database.Dialect) {
		db := openDB(t, d)
		sc := spanContext(t, "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331")
		add(t, db, "o-old", sc)
		add(t, db, "o-new", sc)
		add(t, db, "o-pending", sc)
		ctx := context.Background()
		old := time.Now().Add(-48 * time.Hour).UTC().Format("2006-01-02T15:04:05.000Z")
		if _, err := db.ExecContext(ctx, `UPDATE outbox SET published_at = ? WHERE msg_key = 'o-old'`, old); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, `UPDATE outbox SET published_at = ? WHERE msg_key = 'o-new'`, time.Now().UTC().Format("2006-01-02T15:04:05.000Z")); err != nil {
			t.Fatal(err)
		}
		n, err := outbox.Prune(ctx, db, time.Now().Add(-24*time.Hour))
		if err != nil || n != 1 {
			t.Fatalf("Prune = %d, %v; want 1 row (the old published one)", n, err)
		}
		var left []string
		rows, err := db.QueryContext(ctx, `SELECT msg_key FROM outbox ORDER BY seq`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var k string
			_ = rows.Scan(&k)
			left = append(left, k)
		}
		if len(left) != 2 || left[0] != "o-new" || left[1] != "o-pending" {
			t.Fatalf("rows left = %v, want [o-new o-pending]", left)
		}
	})
}
