package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/orderflow/flowctl/internal/investigate"
)

// The fixtures are `flowctl trace --json` of real orders: a rejected one in
// the events stack with TRACE_PROPAGATION=link, a confirmed one with child,
// and a rejected one in the sync stack.
func loadInvestigation(t *testing.T, name string) investigate.Investigation {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var inv investigate.Investigation
	if err := json.Unmarshal(b, &inv); err != nil {
		t.Fatal(err)
	}
	return inv
}

// offVersion is the investigation had nothing crossed Kafka: the same spans
// without links, so each consumer's trace is a root of its own.
func offVersion(inv investigate.Investigation) investigate.Investigation {
	for i := range inv.AllSpans {
		inv.AllSpans[i].Links = nil
	}
	inv.Hops = investigate.KafkaHops(inv.AllSpans)
	inv.Linked = false
	inv.HowFound = "4 unconnected traces, 6 spans: only the order id attribute ties them together"
	return inv
}

func TestWaterfall(t *testing.T) {
	const width = 40
	tests := []struct {
		name  string
		inv   investigate.Investigation
		color bool
		// spanLines is the number of lines between the column header and
		// the summary: one per span.
		spanLines int
		// lines holds substrings that must appear on one line each, in order.
		lines []string
		// summary holds substrings of the last line.
		summary []string
		absent  []string
	}{
		{
			name:      "link: consumers of other traces hang under their producers",
			inv:       loadInvestigation(t, "link-rejected.json"),
			spanLines: 6,
			lines: []string{
				"order 24c84a89-48c2-4905-be39-401d0ee62961 (events): 4 traces joined by span links",
				"32df2e45  order-svc      POST /orders",
				"32df2e45  order-svc        send orders.v1",
				"84e218dd  inventory-svc      ↪ process orders.v1",
				"84e218dd  inventory-svc        send inventory.v1",
				"order-svc              ↪ process inventory.v1",
				"invoicing-svc          ↪ process inventory.v1",
			},
			summary: []string{"4 traces, 6 spans", "13 ms waiting in Kafka (3 hops)", "rejected in inventory-svc: SKU SKU-005: 5 requested, 3 available"},
		},
		{
			name:      "off: every fragment starts at the left",
			inv:       offVersion(loadInvestigation(t, "link-rejected.json")),
			spanLines: 6,
			lines: []string{
				"4 unconnected traces",
				"order-svc      POST /orders",
				"inventory-svc  process orders.v1",
				"inventory-svc    send inventory.v1",
			},
			summary: []string{"13 ms waiting in Kafka (3 hops)", "rejected in inventory-svc"},
			absent:  []string{"↪"},
		},
		{
			name:      "child: one trace, no trace column",
			inv:       loadInvestigation(t, "child-confirmed.json"),
			spanLines: 8,
			lines: []string{
				"1 trace, 8 spans: everything under the order's trace id",
				"order-svc      POST /orders",
				"inventory-svc      process orders.v1",
				"invoicing-svc            send invoicing.v1",
				"order-svc                  process invoicing.v1",
			},
			summary: []string{"1 trace, 8 spans", "22 ms waiting in Kafka (4 hops)"},
			absent:  []string{"↪", "rejected", "✗", "\x1b["},
		},
		{
			name:      "sync rejected, in color",
			inv:       loadInvestigation(t, "sync-rejected.json"),
			color:     true,
			spanLines: 3,
			lines: []string{
				"order-svc      POST /orders",
				"\x1b[31m", // the client span that ended in error
				"HTTP POST /reservations",
				"✗ error",
				"inventory-svc      POST /reservations",
				"◀ rejected here",
			},
			summary: []string{"1 trace, 3 spans", "\x1b[31mrejected in inventory-svc: SKU SKU-005: 5 requested, 3 available\x1b[0m"},
			absent:  []string{"Kafka"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			Waterfall(&buf, tc.inv, width, tc.color)
			out := buf.String()
			lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
			if got := len(lines) - 3; got != tc.spanLines { // title, column header, summary
				t.Errorf("%d span lines, want %d:\n%s", got, tc.spanLines, out)
			}
			rest := out
			for _, want := range tc.lines {
				i := strings.Index(rest, want)
				if i < 0 {
					t.Errorf("missing (in order) %q:\n%s", want, out)
					continue
				}
				rest = rest[i+len(want):]
			}
			last := lines[len(lines)-1]
			if !strings.HasPrefix(last, "total ") {
				t.Errorf("summary = %q, want it to start with \"total \"", last)
			}
			for _, want := range tc.summary {
				if !strings.Contains(last, want) {
					t.Errorf("summary %q lacks %q", last, want)
				}
			}
			for _, bad := range tc.absent {
				if strings.Contains(out, bad) {
					t.Errorf("output has %q:\n%s", bad, out)
				}
			}
			// Every span line has a bar exactly width cells wide, and a
			// consumer line says how long its event sat in Kafka.
			waits := 0
			for _, l := range lines[1 : len(lines)-1] {
				_, after, ok := strings.Cut(l, "│")
				b, _, ok2 := strings.Cut(after, "│")
				if !ok || !ok2 || utf8.RuneCountInString(b) != width {
					t.Errorf("bar of %q is not %d cells", l, width)
				}
				if strings.Contains(l, "in Kafka") {
					waits++
				}
			}
			if waits != len(tc.inv.Hops) {
				t.Errorf("%d lines show a Kafka wait, want %d (one per hop)", waits, len(tc.inv.Hops))
			}
		})
	}
}

func TestWaterfallKafkaWaitOnConsumer(t *testing.T) {
	var buf bytes.Buffer
	Waterfall(&buf, loadInvestigation(t, "link-rejected.json"), 30, false)
	for l := range strings.SplitSeq(buf.String(), "\n") {
		if strings.Contains(l, "process orders.v1") && !strings.Contains(l, "waited 4.0 ms in Kafka") {
			t.Errorf("inventory's consumer line %q: want its measured 4 ms wait", l)
		}
	}
}

func TestBar(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		from, to, total time.Duration
		want            string
	}{
		{0, 10 * ms, 10 * ms, "██████████"},
		{0, 5 * ms, 10 * ms, "█████     "},
		{5 * ms, 10 * ms, 10 * ms, "     █████"},
		{0, 0, 10 * ms, "▏         "},                       // too short to see: still a mark
		{10 * ms, 10 * ms, 10 * ms, "         ▕"},           // at the very end
		{0, 1250 * time.Microsecond, 10 * ms, "█▎        "}, // eighths
		{2500 * time.Microsecond, 10 * ms, 10 * ms, "  ▐███████"},
	}
	for _, tc := range tests {
		if got := bar(tc.from, tc.to, tc.total, 10); got != tc.want {
			t.Errorf("bar(%v, %v, %v) = %q, want %q", tc.from, tc.to, tc.total, got, tc.want)
		}
	}
}
