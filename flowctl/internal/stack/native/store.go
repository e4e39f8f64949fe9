package native

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// onPostgres says whether mode's stack keeps its state in PostgreSQL (its
// store file, written by Up).
func onPostgres(l stack.Layout, m stackmode.Mode) bool {
	_, err := os.Stat(l.StoreFile(m))
	return err == nil
}

// databaseURL is mode's database when the stack is on PostgreSQL, else "".
func (r *Runtime) databaseURL(m stackmode.Mode) string {
	if !onPostgres(r.l, m) {
		return ""
	}
	admin, own := r.s.DatabaseURL(), false
	if admin == "" {
		admin, own = stack.OwnPostgresURL(r.s.PortBase), true
	}
	u, _ := stack.StackDatabaseURL(admin, m, own)
	return u
}

// prepareStore chooses mode's store before its services start: PostgreSQL
// when DATABASE_URL is set, --store postgres asks or a service runs as
// several replicas (the server started and the stack's database made),
// else SQLite. It checks the replica counts first.
func (r *Runtime) prepareStore(ctx context.Context, m stackmode.Mode, u stack.UpOptions) error {
	for svc, n := range u.Replicas {
		if err := stack.CheckReplicas(svc, n, stack.ServicePort(r.s.PortBase, m, svc)); err != nil {
			return fmt.Errorf("--replicas %w", err)
		}
	}
	path := r.l.StoreFile(m)
	if !u.NeedsPostgres() && r.s.DatabaseURL() == "" {
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("store of the %s stack: %w", m, err)
		}
		return nil
	}
	t := time.Now()
	admin, detail, err := ensurePostgres(ctx, r.opts(m, nil), r.s.DatabaseURL())
	if err != nil {
		return err
	}
	url, err := ensureStackDatabase(ctx, admin, m, r.s.DatabaseURL() == "")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(r.l.ModeDir(m), 0o755); err != nil {
		return fmt.Errorf("store of the %s stack: %w", m, err)
	}
	if err := os.WriteFile(path, []byte("PostgreSQL\n"), 0o644); err != nil {
		return fmt.Errorf("store of the %s stack: %w", m, err)
	}
	if u.Step != nil {
		u.Step(stack.Step{Name: "postgres", Detail: detail + "; database " + stack.RedactURL(url), Took: time.Since(t)})
	}
	return nil
}
