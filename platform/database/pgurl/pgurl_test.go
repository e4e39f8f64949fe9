package pgurl_test

import (
	"strings"
	"testing"

	"github.com/orderflow/platform/database/pgurl"
)

// A PG* variable pgx would read for a setting the URL leaves out is refused,
// naming it; the same variable beside a URL that gives the setting changes
// nothing (the URL's value is parsed).
func TestPGVariablesAreNotRead(t *testing.T) {
	for _, c := range []struct{ name, value, url, refused, host string }{
		{"PGSSLMODE", "require", "postgres://u@db.example:5432/orders", "PGSSLMODE", "db.example"},
		{"PGPASSWORD", "secret", "postgres://u@db.example:5432/orders?sslmode=disable", "PGPASSWORD", "db.example"},
		{"PGPORT", "6543", "postgres://u@db.example/orders?sslmode=disable", "PGPORT", "db.example"},
		{"PGHOST", "elsewhere", "postgres://u@db.example:5432/orders?sslmode=disable", "", "db.example"},
		{"PGSSLMODE", "require", "postgres://u@db.example:5432/orders?sslmode=disable", "", "db.example"},
		{"PGPASSWORD", "secret", "postgres://u:pw@db.example:5432/orders?sslmode=disable", "", "db.example"},
		{"PGAPPNAME", "", "postgres://u@db.example:5432/orders?sslmode=disable", "", "db.example"}, // set but empty: pgx skips it too
	} {
		t.Run(c.name+"/"+c.url, func(t *testing.T) {
			t.Setenv(c.name, c.value)
			cfg, err := pgurl.Parse(c.url)
			if c.refused != "" {
				if err == nil || !strings.Contains(err.Error(), c.refused) || strings.Contains(err.Error(), c.value) {
					t.Fatalf("Parse = %v; want an error naming %s (and not its value)", err, c.refused)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Host != c.host || cfg.Port != 5432 || cfg.Database != "orders" {
				t.Fatalf("parsed %s:%d/%s, want %s:5432/orders", cfg.Host, cfg.Port, cfg.Database, c.host)
			}
		})
	}
}

func TestNotAPostgresURL(t *testing.T) {
	for _, u := range []string{"host=db.example user=u", "mysql://u@db/x", "://"} {
		if _, err := pgurl.Parse(u); err == nil {
			t.Errorf("Parse(%q) = nil error, want one", u)
		}
	}
}
