package dashboard

import (
	"fmt"
	"math"

	"github.com/orderflow/flowctl/internal/kafkalog"
	"github.com/orderflow/flowctl/internal/stats"
)

// Figure is one number of the figures widget: Value is nil when nothing was
// measured; Text is what the page prints, with its sample size.
type Figure struct {
	Value *float64 `json:"value"`
	N     int      `json:"n"`
	// Name is the statistic: "p50", "p99", or "max" when a p99 of fewer than
	// stats.P99MinN samples would only be the maximum.
	Name string `json:"name,omitempty"`
	Text string `json:"text"`
}

// Point is one order on the time-series chart.
type Point struct {
	Seq         int      `json:"seq"`
	PlacementMS float64  `json:"placement_ms"`
	TTCMS       *float64 `json:"ttc_ms,omitempty"`
	Status      string   `json:"status"`
}

// Figures are one stack's live numbers: latencies over the last Window
// orders the dashboard placed, and what the stack reports about itself.
type Figures struct {
	Mode          string                       `json:"mode"`
	Window        int                          `json:"window"`
	PlacementP50  Figure                       `json:"placement_p50"`
	PlacementTail Figure                       `json:"placement_tail"`
	TTCP50        Figure                       `json:"ttc_p50"`
	TTCTail       Figure                       `json:"ttc_tail"`
	Orders        Figure                       `json:"orders"`
	ByStatus      map[string]int               `json:"by_status"`
	Series        []Point                      `json:"series"`
	Lag           Figure                       `json:"lag"`
	LagRows       []kafkalog.GroupPartitionLag `json:"lag_rows,omitempty"`
	Outbox        Figure                       `json:"outbox"`
	DeadLetters   Figure                       `json:"dead_letters"`
	// DLQTopics are the dead-letter topics DeadLetters counts: the stack's
	// own (the orchestrated stack's carry its prefix).
	DLQTopics []string `json:"dlq_topics,omitempty"`
}

// latencyFigures computes the order figures of the newest window orders.
func latencyFigures(mode string, rows []OrderView, window int) Figures {
	f := Figures{Mode: mode, Window: window, ByStatus: map[string]int{}}
	if len(rows) > window {
		rows = rows[len(rows)-window:]
	}
	var placement, ttc []float64
	for _, r := range rows {
		f.ByStatus[r.Status]++
		p := Point{Seq: r.seq, Status: r.Status}
		if r.HTTPStatus != 0 {
			placement = append(placement, r.PlacementMS)
			p.PlacementMS = r.PlacementMS
		}
		// Only a CONFIRMED order waited to be consistent: a FAILED one is
		// final at once and would flatter the failing mode (ByStatus counts it).
		if r.Final && r.Status == "CONFIRMED" && r.TimeToFinalMS != nil {
			ttc = append(ttc, *r.TimeToFinalMS)
			p.TTCMS = r.TimeToFinalMS
		}
		if r.HTTPStatus != 0 {
			f.Series = append(f.Series, p)
		}
	}
	f.PlacementP50, f.PlacementTail = pctFigures(placement)
	f.TTCP50, f.TTCTail = pctFigures(ttc)
	n := float64(len(rows))
	f.Orders = Figure{Value: &n, N: len(rows), Text: fmt.Sprintf("n=%d", len(rows))}
	return f
}

// pctFigures are the p50 and the tail (p99, or max below stats.P99MinN) of
// values, each saying its sample size.
func pctFigures(values []float64) (Figure, Figure) {
	s := stats.Summarize(values)
	if s.N == 0 {
		return Figure{Name: "p50", Text: "– (n=0)"}, Figure{Name: stats.TailName(s), Text: stats.TailName(s) + " – (n=0)"}
	}
	p50, tail := s.P50, stats.Tail(s)
	name := stats.TailName(s)
	return Figure{Value: &p50, N: s.N, Name: "p50", Text: fmt.Sprintf("%s (n=%d)", stats.Ms(p50), s.N)},
		Figure{Value: &tail, N: s.N, Name: name, Text: fmt.Sprintf("%s %s (n=%d)", name, stats.Ms(tail), s.N)}
}

// countFigure is a count read from the stack over n sources (services,
// partitions, topics), or why it is unknown.
func countFigure(v float64, ok bool, n int, what, why string) Figure {
	if !ok {
		return Figure{Text: "– (" + why + ")"}
	}
	if math.IsNaN(v) {
		return Figure{Text: "–"}
	}
	return Figure{Value: &v, N: n, Text: fmt.Sprintf("%.0f%s", v, what)}
}
