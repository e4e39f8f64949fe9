package store_test

import (
	"context"
	"database/sql"
	"errors"
	"reflect"
	"testing"

	"github.com/orderflow/platform/database"
	"github.com/orderflow/platform/database/dbtest"

	"github.com/orderflow/inventory-svc/internal/stock"
	"github.com/orderflow/inventory-svc/internal/store"
)

// TestReserveNewAllOrNothing: a line that cannot be served refuses the whole
// order, naming the first such line, and the lines before it are given
// back even when the transaction goes on and commits (as the consumer's
// does, recording the rejection).
func TestReserveNewAllOrNothing(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d database.Dialect) {
		st := open(t, d)
		tests := []struct {
			name  string
			lines []stock.Line
			want  *stock.InsufficientError // nil = reserved
		}{
			{"one unit too many", []stock.Line{{SKU: "SKU-005", Qty: 4}}, &stock.InsufficientError{SKU: "SKU-005", Requested: 4, Available: 3}},
			{"one short line refuses the whole order", []stock.Line{{SKU: "SKU-001", Qty: 1}, {SKU: "SKU-002", Qty: 2}, {SKU: "SKU-005", Qty: 5}},
				&stock.InsufficientError{SKU: "SKU-005", Requested: 5, Available: 3}},
			{"the first short line is named", []stock.Line{{SKU: "SKU-404", Qty: 1}, {SKU: "SKU-005", Qty: 5}}, &stock.InsufficientError{SKU: "SKU-404", Requested: 1, Available: 0}},
			{"not stocked", []stock.Line{{SKU: "SKU-001", Qty: 1}, {SKU: "SKU-999", Qty: 1}}, &stock.InsufficientError{SKU: "SKU-999", Requested: 1, Unknown: true}},
			{"all available, to the last unit", []stock.Line{{SKU: "SKU-001", Qty: 6}, {SKU: "SKU-005", Qty: 3}}, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := reserved(t, st)
				var got error
				if err := st.InTx(context.Background(), func(tx *sql.Tx) error {
					_, got = store.ReserveNew(context.Background(), tx, "c0000000-0000-4000-8000-000000000001", tt.lines, t0)
					return nil // commit whatever ReserveNew left
				}); err != nil {
					t.Fatal(err)
				}
				after := reserved(t, st)
				if tt.want == nil {
					for _, l := range tt.lines {
						before[l.SKU] += l.Qty
					}
					if got != nil || !reflect.DeepEqual(after, before) {
						t.Fatalf("ReserveNew = %v, reserved %v; want nil, %v", got, after, before)
					}
					return
				}
				var short *stock.InsufficientError
				if !errors.As(got, &short) || *short != *tt.want {
					t.Fatalf("ReserveNew = %#v, want %#v", got, tt.want)
				}
				if !reflect.DeepEqual(after, before) {
					t.Fatalf("a refused order changed the stock once committed: %v, was %v", after, before)
				}
			})
		}
	})
}
