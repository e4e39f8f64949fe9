package database_test

import (
	"context"
	"strings"
	"testing"

	"github.com/orderflow/platform/database"
)

// A service does not take PostgreSQL settings from PG* variables: with
// PGAPPNAME set and DATABASE_URL silent on application_name, opening the
// store fails naming the variable, before any connection.
func TestOpenPairRefusesPGVariables(t *testing.T) {
	t.Setenv("PGAPPNAME", "from-the-shell")
	_, err := database.OpenPair(context.Background(), database.For("order-svc", "", "postgres://u@127.0.0.1:1/x?sslmode=disable"))
	if err == nil || !strings.Contains(err.Error(), "PGAPPNAME") {
		t.Fatalf("OpenPair = %v; want an error naming PGAPPNAME", err)
	}
}
