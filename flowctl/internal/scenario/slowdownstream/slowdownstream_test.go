package slowdownstream

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/flowctl/internal/stats"
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
	e := &kit.Env{Say: func(format string, args ...any) { said = append(said, fmt.Sprintf(format, args...)) }}
	got := knobs(context.Background(), e, kit.Target{Mode: stackmode.Sync, URLs: urls})
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

func TestJudgeSlowDownstream(t *testing.T) {
	summary := func(placementMS, ttcMS float64) load.Summary {
		var p, f []float64
		for range 10 {
			p, f = append(p, placementMS), append(f, ttcMS)
		}
		return load.Summary{Placement: stats.Summarize(p), TimeToFinal: stats.Summarize(f), ByStatus: map[string]int{"CONFIRMED": 10}}
	}
	lat := 300 * time.Millisecond
	for _, c := range []struct {
		name       string
		mode       stackmode.Mode
		base, slow load.Summary
		holds      bool
		added      float64
	}{
		{"sync: placement grew by the delay", stackmode.Sync, summary(20, 20), summary(325, 325), true, 305},
		{"sync: the delay was not felt", stackmode.Sync, summary(20, 20), summary(30, 30), false, 10},
		{"events: placement flat, consistency later", stackmode.Events, summary(3, 40), summary(4, 900), true, 1},
		{"events: placement grew like sync's", stackmode.Events, summary(3, 40), summary(310, 900), false, 307},
		{"events: consistency did not grow either", stackmode.Events, summary(3, 40), summary(4, 60), false, 1},
		{"orchestration: placement flat, consistency later", stackmode.Orchestration, summary(3, 40), summary(4, 900), true, 1},
		{"orchestration: placement grew like sync's", stackmode.Orchestration, summary(3, 40), summary(310, 900), false, 307},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := judgeSlowDownstream(c.mode, slowRun{Base: c.base, Slow: c.slow, N: 10, Latency: lat, Backlog: 12, BacklogOK: true, Consumers: 1})
			if bad := Def.Undeclared(o); len(bad) > 0 {
				t.Errorf("metrics the definition lacks: %v", bad)
			}
			if o.Holds != c.holds {
				t.Errorf("holds = %v, want %v (%s)", o.Holds, c.holds, o.Verdict)
			}
			m, ok := o.Metric(kit.AddedLatency.Key)
			if !ok || m.Value != c.added || !strings.Contains(m.Label, "(n=10)") {
				t.Errorf("added_latency_ms = %+v, want %g measured with its sample counts", m, c.added)
			}
			if !strings.HasPrefix(o.Verdict, string(c.mode)+": ") {
				t.Errorf("verdict %q does not name the stack", o.Verdict)
			}
			if inj := o.Value(InjectedLatency.Key); inj != 300 {
				t.Errorf("injected_latency_ms = %g, want the flag's 300", inj)
			}
		})
	}
}
