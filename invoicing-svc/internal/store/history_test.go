package store_test

import (
	"testing"

	"github.com/orderflow/platform/database/dbtest"

	"github.com/orderflow/invoicing-svc/internal/store"
)

// Each schema of the store has one migration history on both databases.
func TestSameHistoryOnBothStores(t *testing.T) { dbtest.SameHistory(t, store.Schemas...) }
