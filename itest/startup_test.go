package itest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/service"

	inventory "github.com/orderflow/inventory-svc/app"
	invoicing "github.com/orderflow/invoicing-svc/app"
	orders "github.com/orderflow/order-svc/app"
)

// A database that cannot be opened stops a service at wiring with an error
// naming the path, before it listens or touches Kafka.
func TestUnusableDBPathFailsWiring(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "not-a-dir")
	if err := os.WriteFile(blocker, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	dbPath := filepath.Join(blocker, "svc.db") // its "directory" is a file
	builders := map[string]func(context.Context, config.Config, service.Options) error{
		orders.Name: func(ctx context.Context, c config.Config, o service.Options) error {
			_, err := orders.New(ctx, c, o)
			return err
		},
		inventory.Name: func(ctx context.Context, c config.Config, o service.Options) error {
			_, err := inventory.New(ctx, c, o)
			return err
		},
		invoicing.Name: func(ctx context.Context, c config.Config, o service.Options) error {
			_, err := invoicing.New(ctx, c, o)
			return err
		},
	}
	for name, build := range builders {
		t.Run(name, func(t *testing.T) {
			env := map[string]string{"MODE": "sync", "DB_PATH": dbPath}
			cfg, err := config.Load(name, func(k string) string { return env[k] })
			if err != nil {
				t.Fatal(err)
			}
			err = build(context.Background(), cfg, service.Options{Exporter: tracetest.NewInMemoryExporter(), LogWriter: testLog{t, name}})
			if err == nil || !strings.Contains(err.Error(), blocker) {
				t.Fatalf("New with DB_PATH=%s: err = %v, want one naming the path", dbPath, err)
			}
		})
	}
}
