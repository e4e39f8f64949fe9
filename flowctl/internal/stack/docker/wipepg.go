package docker

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/orderflow/flowctl/internal/stackmode"
)

// schemaName is svc's schema in its stack's database, as
// platform/database.SchemaName names it (order-svc: order_svc; flowctl does
// not import the store's package and its drivers for one line).
func schemaName(svc string) string { return strings.ReplaceAll(svc, "-", "_") }

// wipeOnPostgres removes svc's replicas, remembering how many ran for
// StartFresh, and drops its schema (tables, outbox, inbox, migration
// history) in the stack's database: the next start migrates and seeds anew.
func (r *Runtime) wipeOnPostgres(ctx context.Context, m stackmode.Mode, svc string) error {
	n, err := r.Replicas(ctx, m, svc)
	if err != nil {
		return err
	}
	if r.wiped == nil {
		r.wiped = map[stackmode.Mode]map[string]int{}
	}
	if r.wiped[m] == nil {
		r.wiped[m] = map[string]int{}
	}
	r.wiped[m][svc] = n
	if err := r.compose.Run(ctx, io.Discard, append(profiles(m, true, true), "rm", "-s", "-f", replicaService(m, svc))...); err != nil {
		return fmt.Errorf("remove %s: %w", replicaService(m, svc), err)
	}
	sql := "DROP SCHEMA IF EXISTS " + schemaName(svc) + " CASCADE"
	if err := r.compose.Run(ctx, io.Discard, "exec", "-T", "postgres", "psql", "-U", "orderflow", "-d", "orderflow_"+composeStack(m), "-v", "ON_ERROR_STOP=1", "-qc", sql); err != nil {
		return fmt.Errorf("%s in the %s stack's database: %w", sql, m, err)
	}
	return nil
}
