package api

import (
	"context"
	"io"
	"net/http"
	"strings"
)

// requestCountSeries is the count series of the request-duration histogram
// every service exports (platform/httpserver): one observation per request
// served, labelled by method, route and status.
const requestCountSeries = "http_server_request_duration_seconds_count"

// isPlatformRoute says whether route is one of the platform's own, not the
// service's API: scrapes, liveness and readiness polls that a runtime sends
// whatever a client does, and the operators' /admin routes (faults, knobs)
// that flowctl and the dashboard poll.
func isPlatformRoute(route string) bool {
	return route == "/metrics" || route == "/healthz" || route == "/readyz" || strings.HasPrefix(route, "/admin/")
}

// RequestCounts are the requests a service has served since it started, by
// "METHOD route" (e.g. "GET /orders/:id"), read from its /metrics.
type RequestCounts map[string]float64

// GetRequestCounts reads a service's served requests from its /metrics.
func GetRequestCounts(ctx context.Context, base string, hc *http.Client) (RequestCounts, error) {
	var c RequestCounts
	err := readMetrics(ctx, base, hc, func(r io.Reader) (err error) {
		c, err = ParseRequestCounts(r)
		return err
	})
	return c, err
}

// ParseRequestCounts reads the request-duration histogram's counts from the
// Prometheus text format, summed over statuses.
func ParseRequestCounts(r io.Reader) (RequestCounts, error) {
	c := RequestCounts{}
	err := scanSeries(r, func(name, labels string, v float64) {
		if name != requestCountSeries {
			return
		}
		l := parseLabels(labels)
		c[l["method"]+" "+l["route"]] += v
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// API sums the requests to the service's API: every route but the
// platform's own (probes, scrapes, /admin).
func (c RequestCounts) API() float64 {
	var n float64
	for k, v := range c {
		_, route, _ := strings.Cut(k, " ")
		if !isPlatformRoute(route) {
			n += v
		}
	}
	return n
}

// Since is what c served after before was read, per route; routes with no
// new request are left out.
func (c RequestCounts) Since(before RequestCounts) RequestCounts {
	out := RequestCounts{}
	for k, v := range c {
		if d := v - before[k]; d != 0 {
			out[k] = d
		}
	}
	return out
}

// parseLabels reads `a="x",b="y \"z\""` into a map; values unescaped.
func parseLabels(s string) map[string]string {
	out := map[string]string{}
	for s != "" {
		eq := strings.IndexByte(s, '=')
		if eq < 0 || eq+1 >= len(s) || s[eq+1] != '"' {
			return out
		}
		key := strings.TrimSpace(s[:eq])
		var val strings.Builder
		i := eq + 2
		for ; i < len(s) && s[i] != '"'; i++ {
			if s[i] == '\\' && i+1 < len(s) {
				i++
				switch s[i] {
				case 'n':
					val.WriteByte('\n')
				default:
					val.WriteByte(s[i])
				}
				continue
			}
			val.WriteByte(s[i])
		}
		out[key] = val.String()
		s = strings.TrimLeft(s[min(i+1, len(s)):], ", ")
	}
	return out
}
