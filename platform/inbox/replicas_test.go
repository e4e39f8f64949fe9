package inbox_test

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/orderflow/platform/database"
	"github.com/orderflow/platform/database/dbtest"
	"github.com/orderflow/platform/inbox"
	"github.com/orderflow/platform/sqlitedb"
)

// Two replicas of a consumer (two pools on one store) get every event at the
// same time, as after a rebalance redelivers to another replica: exactly one
// of them claims each, the other skips it.
func TestClaimIsUniqueAcrossReplicas(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d database.Dialect) {
		const events = 200
		target := dbtest.Target(t, d)
		replicas := []*sql.DB{dbtest.OpenPair(t, target, inbox.Schema).DB, dbtest.OpenPair(t, target, inbox.Schema).DB}
		var claimed, skipped atomic.Int64
		var wg sync.WaitGroup
		for _, db := range replicas {
			wg.Go(func() {
				for i := range events {
					id := fmt.Sprintf("evt-%d", i)
					var first bool // counted after the commit: on PostgreSQL a transaction may run again
					err := sqlitedb.InTx(context.Background(), db, func(tx *sql.Tx) error {
						var err error
						first, err = inbox.Claim(context.Background(), tx, id, "OrderPlaced")
						return err
					})
					switch {
					case err != nil:
						t.Errorf("claim %s: %v", id, err)
					case first:
						claimed.Add(1)
					default:
						skipped.Add(1)
					}
				}
			})
		}
		wg.Wait()
		t.Logf("n=%d events delivered to 2 replicas each: %d claimed, %d skipped", events, claimed.Load(), skipped.Load())
		if claimed.Load() != events || skipped.Load() != events {
			t.Fatalf("claimed %d, skipped %d; want %d each", claimed.Load(), skipped.Load(), events)
		}
	})
}
