package api

import (
	"strings"
	"testing"
)

func TestParseMetrics(t *testing.T) {
	text := `# HELP outbox_pending_events Outbox rows not yet published to Kafka.
# TYPE outbox_pending_events gauge
outbox_pending_events 17
outbox_publish_failures_total 3
orders{status="PENDING"} 4
orders{status="CONFIRMED",note="a } b"} 6 1700000000000
`
	m, err := ParseMetrics(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		want float64
	}{{"outbox_pending_events", 17}, {"outbox_publish_failures_total", 3}, {"orders", 10}} {
		if got, ok := m[c.name]; !ok || got != c.want {
			t.Errorf("%s = %v (present %v), want %g", c.name, got, ok, c.want)
		}
	}
	if _, err := ParseMetrics(strings.NewReader("broken_line\n")); err == nil {
		t.Error("a line without a value parsed")
	}
}
