package dualwrite

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/scenario/kit"
)

// TestCancelLostCancelsOnlyTheStuck: the sync round's PENDING-for-good
// orders are cancelled (POST /orders/{id}/cancel), the final ones are left
// alone, and a cancel order-svc refuses is said.
func TestCancelLostCancelsOnlyTheStuck(t *testing.T) {
	var asked []string
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked = append(asked, r.Method+" "+r.URL.Path)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(`{"id":"crash","status":"CANCELLED","final":true}`))
	}))
	defer srv.Close()
	tg := kit.Target{Orders: api.NewOrders(srv.URL, nil)}
	r := round(RoundSync, true, 201, 2, true, 1)
	line := cancelLost(context.Background(), tg, r)
	if !slices.Equal(asked, []string{"POST /orders/crash/cancel"}) || !strings.HasPrefix(line, "cleanup: cancelled the 1 order(s) the crash left PENDING") {
		t.Errorf("asked %v; line %q", asked, line)
	}
	if line := cancelLost(context.Background(), tg, round(RoundSync, true, 201, 2, true, 0)); line != "" {
		t.Errorf("nothing stuck, yet %q", line)
	}
	status = http.StatusInternalServerError
	if line := cancelLost(context.Background(), tg, r); !strings.HasPrefix(line, "cleanup: 1 of the 1 order(s) the crash left PENDING could not be cancelled") {
		t.Errorf("a refused cancel: %q", line)
	}
}
