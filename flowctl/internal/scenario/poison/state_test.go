package poison

import (
	"slices"
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/kafkalog"
)

func TestChanges(t *testing.T) {
	base := serviceState{
		Orders:   []string{"o-2", "o-1"},
		Stock:    map[string][2]int{"SKU-001": {10, 1}, "SKU-002": {5, 0}},
		Invoices: 1, InvoicedCents: 1999,
	}
	with := func(f func(*serviceState)) serviceState {
		s := base
		s.Orders = slices.Clone(base.Orders)
		s.Stock = map[string][2]int{}
		for k, v := range base.Stock {
			s.Stock[k] = v
		}
		f(&s)
		return s
	}
	tests := []struct {
		name  string
		after serviceState
		want  []string
	}{
		{"nothing stored", with(func(*serviceState) {}), nil},
		{"an order stored", with(func(s *serviceState) { s.Orders = append([]string{"o-3"}, s.Orders...) }), []string{"orders: 1 new"}},
		{"stock reserved", with(func(s *serviceState) { s.Stock["SKU-002"] = [2]int{5, 1} }), []string{"stock SKU-002: on hand/reserved 5/0 → 5/1"}},
		{"an invoice issued", with(func(s *serviceState) { s.Invoices, s.InvoicedCents = 2, 2998 }),
			[]string{"invoices: 1 (1999 cents) → 2 (2998 cents)"}},
		{"a SKU gone", with(func(s *serviceState) { delete(s.Stock, "SKU-001") }), []string{"stock SKU-001: gone"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := changes(base, tc.after); !slices.Equal(got, tc.want) {
				t.Errorf("changes = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestFirstWritten(t *testing.T) {
	sent := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	entry := func(at time.Time) kafkalog.DLQEntry {
		var d kafkalog.DLQEntry
		d.Time = at
		return d
	}
	tests := []struct {
		name    string
		entries []kafkalog.DLQEntry
		want    time.Duration
		ok      bool
	}{
		{"the earliest of the groups' copies", []kafkalog.DLQEntry{entry(sent.Add(40 * time.Millisecond)), entry(sent.Add(15 * time.Millisecond))}, 15 * time.Millisecond, true},
		{"no timestamps", []kafkalog.DLQEntry{entry(time.Time{})}, 0, false},
		{"a clock a little behind: never negative", []kafkalog.DLQEntry{entry(sent.Add(-time.Millisecond))}, 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := firstWritten(tc.entries, sent)
			if got != tc.want || ok != tc.ok {
				t.Errorf("firstWritten = %v, %v; want %v, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}
