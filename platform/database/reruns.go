package database

import (
	"database/sql"
	"database/sql/driver"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// Reruns counts the transactions sqlitedb.InTx ran again because PostgreSQL
// could not serialize them (SQLSTATE 40001) or broke a deadlock (40P01), by
// operation: the function that called InTx (sqlitedb names it, only when it
// reruns, so counting costs nothing on the way that commits). A few reruns
// are SERIALIZABLE working; a steady rate on one operation is a hot row that
// every replica writes (inventory's stock, one SKU under load).
type Reruns struct {
	mu   sync.Mutex
	byOp map[string]uint64
	desc *prometheus.Desc
}

func newReruns() *Reruns {
	return &Reruns{byOp: map[string]uint64{}, desc: prometheus.NewDesc("db_serialization_retries_total",
		"Transactions run again after PostgreSQL could not serialize them (40001) or broke a deadlock (40P01), by the function that ran them.",
		[]string{"operation"}, nil)}
}

// Rerun counts one rerun of op (sqlitedb.InTx calls it through the driver).
func (r *Reruns) Rerun(op string) {
	r.mu.Lock()
	r.byOp[op]++
	r.mu.Unlock()
}

// Count is how many reruns op had; with op "", all of them.
func (r *Reruns) Count(op string) uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	if op != "" {
		return r.byOp[op]
	}
	var n uint64
	for _, c := range r.byOp {
		n += c
	}
	return n
}

func (r *Reruns) Describe(ch chan<- *prometheus.Desc) { ch <- r.desc }

func (r *Reruns) Collect(ch chan<- prometheus.Metric) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for op, n := range r.byOp {
		ch <- prometheus.MustNewConstMetric(r.desc, prometheus.CounterValue, float64(n), op)
	}
}

// pgDriver is pgx's driver as a PostgreSQL pool reports it (db.Driver()):
// it tells the pool's dialect (DialectOf) and carries the pool's Reruns to
// sqlitedb.InTx, which knows only *sql.DB.
type pgDriver struct {
	driver.Driver
	reruns *Reruns
}

// Rerun is the hook sqlitedb.InTx looks for on a database's driver.
func (d pgDriver) Rerun(op string) { d.reruns.Rerun(op) }

// RerunsOf is the rerun count of a database OpenPair opened on PostgreSQL
// (its writer and read pool share one), nil on SQLite, which never reruns.
func RerunsOf(db *sql.DB) *Reruns {
	if d, ok := db.Driver().(pgDriver); ok {
		return d.reruns
	}
	return nil
}
