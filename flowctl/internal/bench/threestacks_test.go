package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/stackmode"
)

// withMessages is a fake stack's measured run: inner's step with perOrder
// messages for each of its orders, as records or (sync) HTTP calls.
func withMessages(inner StepFunc, m Messages, perOrder int64) StepFunc {
	return func(ctx context.Context, r float64, d, s time.Duration) (Step, error) {
		st, err := inner(ctx, r, d, s)
		m.Orders = st.Done
		if m.Topics == 0 {
			m.HTTPCalls = perOrder * int64(st.Done)
		} else {
			m.Records = perOrder * int64(st.Done)
		}
		st.Messages = &m
		return st, err
	}
}

// TestThreeStacksReport: a column per stack, each with its ceiling and its
// messages per order (only the measured run counts them), beside the
// baselines, in the text, the Markdown and the JSON.
func TestThreeStacksReport(t *testing.T) {
	var targets []Target
	msgs := map[stackmode.Mode]Messages{
		stackmode.Sync:          {WindowMS: 900},
		stackmode.Events:        {Topics: 6, WindowMS: 1200},
		stackmode.Orchestration: {Topics: 10, WindowMS: 1500},
	}
	perOrder := map[stackmode.Mode]int64{stackmode.Sync: 2, stackmode.Events: 5, stackmode.Orchestration: 8}
	for i, m := range stackmode.All {
		// Ceilings 100, 200, 400: measured runs of 50, 100, 200 orders.
		step := fakeSystem(float64(int(100) << i))
		targets = append(targets, Target{Name: string(m), Unit: "orders/s", Step: step,
			Measure: withMessages(step, msgs[m], perOrder[m]), Stack: &Stack{Mode: string(m)}})
	}
	targets = append(targets, Target{Name: "http 3-hop", Baseline: true, Unit: "requests/s", Step: fakeSystem(1e9)})
	cfg := fastConfig()
	cfg.Max, cfg.BaselineMax = 400, 800
	res, err := Run(context.Background(), cfg, targets, Options{Runtime: "native"})
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range stackmode.All {
		got := res.Targets[i]
		if got.Name != string(m) || got.Measured.Messages == nil || got.Measured.Messages.PerOrder() != float64(perOrder[m]) {
			t.Errorf("%s: %s, messages %+v; want %d per order", m, got.Name, got.Measured.Messages, perOrder[m])
		}
		for _, s := range got.Ceiling.Steps {
			if s.Messages != nil {
				t.Errorf("%s: the search's step at %g counted messages; only the measured run does", m, s.Rate)
			}
		}
	}

	var out bytes.Buffer
	Print(&out, res)
	lines := strings.Split(out.String(), "\n")
	if h := strings.Fields(lines[0]); strings.Join(h, " ") != "sync events events-orchestration http 3-hop (baseline)" {
		t.Errorf("header %q: want a column per stack, then the baseline", lines[0])
	}
	row := lineWith(lines, "messages / order")
	for _, want := range []string{
		"2.00 messages/order (n=50 orders; 100 HTTP calls",
		"5.00 messages/order (n=100 orders; 500 records on 6 topics",
		"8.00 messages/order (n=200 orders; 1600 records on 10 topics",
	} {
		if !strings.Contains(row, want) {
			t.Errorf("messages row lacks %q:\n%s", want, row)
		}
	}
	if !strings.HasSuffix(strings.TrimSpace(row), "–") {
		t.Errorf("the baseline has no messages per order, yet: %s", row)
	}

	dir := filepath.Join(t.TempDir(), "r")
	if _, err := WriteReport(dir, res); err != nil {
		t.Fatal(err)
	}
	md, _ := os.ReadFile(filepath.Join(dir, TableMD))
	if !strings.Contains(string(md), "|  | sync | events | events-orchestration | http 3-hop (baseline) |\n|---|---|---|---|---|\n") ||
		!strings.Contains(string(md), "| messages / order | 2.00 messages/order") {
		t.Errorf("bench.md:\n%s", md)
	}
	var back Result
	b, _ := os.ReadFile(filepath.Join(dir, ResultJSON))
	if err := json.Unmarshal(b, &back); err != nil || back.Targets[2].Measured.Messages == nil || back.Targets[2].Measured.Messages.Records != 1600 {
		t.Errorf("bench.json: %v, orchestration's measured run %+v", err, back.Targets[2].Measured)
	}
}

func lineWith(lines []string, prefix string) string {
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	return ""
}
