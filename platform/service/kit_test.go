package service

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/orderflow/platform/database"
	"github.com/orderflow/platform/database/dbtest"
)

// A PostgreSQL store's reruns are on the service's /metrics as
// db_serialization_retries_total{operation}; a SQLite store adds nothing.
func TestWatchStore(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d database.Dialect) {
		db := dbtest.Open(t, d).DB
		k := &Kit{Registry: prometheus.NewRegistry()}
		k.WatchStore(db)
		if r := database.RerunsOf(db); r != nil {
			r.Rerun("store.Reserve")
		}
		families, err := k.Registry.Gather()
		if err != nil {
			t.Fatal(err)
		}
		var got float64
		for _, f := range families {
			if f.GetName() == "db_serialization_retries_total" {
				m := f.GetMetric()[0]
				if l := m.GetLabel()[0]; l.GetName() != "operation" || l.GetValue() != "store.Reserve" {
					t.Fatalf("label %s=%s, want operation=store.Reserve", l.GetName(), l.GetValue())
				}
				got = m.GetCounter().GetValue()
			}
		}
		want := map[database.Dialect]float64{database.SQLite: 0, database.Postgres: 1}[d]
		if got != want {
			t.Fatalf("db_serialization_retries_total = %v, want %v", got, want)
		}
	})
}
