package poison

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/orderflow/flowctl/internal/kafkalog"
	"github.com/orderflow/flowctl/internal/scenario/kit"
)

// serviceState is what the three services hold, as their APIs report it:
// enough to tell whether a message changed anything.
type serviceState struct {
	// Orders are the ids of the newest orders, newest first.
	Orders []string
	// Stock is each SKU's on-hand and reserved quantity.
	Stock map[string][2]int
	// Invoices and InvoicedCents are invoicing-svc's totals.
	Invoices      int
	InvoicedCents int64
}

// snapshot reads the state of t's services: the newest kit.ListLimit
// orders are far more than could arrive while one malformed message is handled.
func snapshot(ctx context.Context, t kit.Target) (serviceState, error) {
	var s serviceState
	orders, err := t.Orders.List(ctx, kit.ListLimit)
	if err != nil {
		return s, fmt.Errorf("list orders: %w", err)
	}
	for _, o := range orders {
		s.Orders = append(s.Orders, o.ID)
	}
	stock, err := t.Inventory.Stock(ctx)
	if err != nil {
		return s, fmt.Errorf("read stock: %w", err)
	}
	s.Stock = make(map[string][2]int, len(stock))
	for _, it := range stock {
		s.Stock[string(it.SKU)] = [2]int{it.OnHand, it.Reserved}
	}
	tot, err := t.Invoicing.Totals(ctx)
	if err != nil {
		return s, fmt.Errorf("read invoice totals: %w", err)
	}
	s.Invoices, s.InvoicedCents = tot.Count, tot.TotalCents
	return s, nil
}

// changes lists what differs between two snapshots, one line per change;
// empty when the message in between stored nothing.
func changes(before, after serviceState) []string {
	var out []string
	if !slices.Equal(before.Orders, after.Orders) {
		added := 0
		for _, id := range after.Orders {
			if !slices.Contains(before.Orders, id) {
				added++
			}
		}
		out = append(out, fmt.Sprintf("orders: %d new", added))
	}
	for sku, a := range after.Stock {
		if b, ok := before.Stock[sku]; !ok || a != b {
			out = append(out, fmt.Sprintf("stock %s: on hand/reserved %d/%d → %d/%d", sku, b[0], b[1], a[0], a[1]))
		}
	}
	for sku := range before.Stock {
		if _, ok := after.Stock[sku]; !ok {
			out = append(out, "stock "+sku+": gone")
		}
	}
	if before.Invoices != after.Invoices || before.InvoicedCents != after.InvoicedCents {
		out = append(out, fmt.Sprintf("invoices: %d (%d cents) → %d (%d cents)", before.Invoices, before.InvoicedCents, after.Invoices, after.InvoicedCents))
	}
	slices.Sort(out)
	return out
}

// firstWritten is when the earliest of the dead letters was written to the
// dead-letter topic (its Kafka timestamp), measured from sent: the broker's
// clock, not the moment a poll happened to see it.
func firstWritten(entries []kafkalog.DLQEntry, sent time.Time) (time.Duration, bool) {
	var first time.Time
	for _, d := range entries {
		if !d.Time.IsZero() && (first.IsZero() || d.Time.Before(first)) {
			first = d.Time
		}
	}
	if first.IsZero() {
		return 0, false
	}
	return max(0, first.Sub(sent)), true
}
