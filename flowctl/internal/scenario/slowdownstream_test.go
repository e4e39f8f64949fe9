package scenario

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/orderflow/platform/config"
)

func TestKnobsLines(t *testing.T) {
	answers := map[string]string{
		"order-svc":     `{"service":"order-svc","mode":"sync","knobs":{"HTTP_MAX_IN_FLIGHT":64,"HTTP_QUEUE_WAIT":"100ms","HTTP_CLIENT_MAX_CONNS":8,"HTTP_CLIENT_TIMEOUT":"2s"}}`,
		"inventory-svc": `{"service":"inventory-svc","mode":"sync","knobs":{"HTTP_MAX_IN_FLIGHT":3,"HTTP_QUEUE_WAIT":"0s"}}`,
	}
	urls := map[string]string{}
	for svc, body := range answers {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/admin/knobs" {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(body))
		}))
		defer srv.Close()
		urls[svc] = srv.URL
	}
	// An invoicing-svc built before /admin/knobs existed.
	old := httptest.NewServer(http.NotFoundHandler())
	defer old.Close()
	urls["invoicing-svc"] = old.URL

	var said []string
	e := &Env{Say: func(format string, args ...any) { said = append(said, fmt.Sprintf(format, args...)) }}
	got := e.knobs(context.Background(), Target{Mode: config.ModeSync, URLs: urls})
	want := []string{
		"knobs of order-svc: HTTP_CLIENT_MAX_CONNS=8 HTTP_CLIENT_TIMEOUT=2s HTTP_MAX_IN_FLIGHT=64 HTTP_QUEUE_WAIT=100ms",
		"knobs of inventory-svc: HTTP_MAX_IN_FLIGHT=3 HTTP_QUEUE_WAIT=0s",
	}
	if len(got) != 3 || !slices.Equal(got[:2], want) || !strings.HasPrefix(got[2], "knobs of invoicing-svc: unknown (") {
		t.Fatalf("knobs lines =\n%q\nwant\n%q\nand invoicing-svc unknown", got, want)
	}
	if len(said) != 3 || said[0] != "  "+want[0] {
		t.Errorf("said %q, want each line indented", said)
	}
}
