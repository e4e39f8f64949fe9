package api

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Metrics are a service's /metrics samples summed by metric name over their
// labels: flowctl reads a few gauges and counters (outbox_pending_events,
// outbox_publish_failures_total), not series.
type Metrics map[string]float64

// GetMetrics reads a service's /metrics (Prometheus text format).
func GetMetrics(ctx context.Context, base string, hc *http.Client) (Metrics, error) {
	var m Metrics
	err := readMetrics(ctx, base, hc, func(r io.Reader) (err error) {
		m, err = ParseMetrics(r)
		return err
	})
	return m, err
}

// readMetrics GETs base's /metrics and hands its body to parse.
func readMetrics(ctx context.Context, base string, hc *http.Client, parse func(io.Reader) error) error {
	if hc == nil {
		hc = &http.Client{Timeout: 5 * time.Second}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(base, "/")+"/metrics", nil)
	if err != nil {
		return err
	}
	res, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("GET %s/metrics: %w", base, err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s/metrics: %s", base, res.Status)
	}
	return parse(res.Body)
}

// ParseMetrics reads the Prometheus text format: "name{labels} value
// [timestamp]" lines, comments skipped, values of one name summed.
func ParseMetrics(r io.Reader) (Metrics, error) {
	m := Metrics{}
	err := scanSeries(r, func(name, _ string, v float64) { m[name] += v })
	if err != nil {
		return nil, err
	}
	return m, nil
}

// scanSeries calls fn with each sample of the Prometheus text format: its
// metric name, its labels as written between the braces ("" without), and
// its value.
func scanSeries(r io.Reader, fn func(name, labels string, v float64)) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, rest, labels := line, "", ""
		if i := strings.IndexAny(line, "{ "); i >= 0 {
			name, rest = line[:i], line[i:]
		}
		if strings.HasPrefix(rest, "{") {
			// Label values may hold spaces: skip to the closing brace.
			j := strings.LastIndex(rest, "}")
			if j < 0 {
				return fmt.Errorf("metrics line %q: no closing brace", line)
			}
			labels, rest = rest[1:j], rest[j+1:]
		}
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			return fmt.Errorf("metrics line %q: no value", line)
		}
		v, err := strconv.ParseFloat(fields[0], 64)
		if err != nil {
			return fmt.Errorf("metrics line %q: %w", line, err)
		}
		fn(name, labels, v)
	}
	return sc.Err()
}
