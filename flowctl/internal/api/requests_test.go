package api

import (
	"strings"
	"testing"
)

func TestParseRequestCounts(t *testing.T) {
	text := `# TYPE http_server_request_duration_seconds histogram
http_server_request_duration_seconds_bucket{method="GET",route="/orders",status="200",le="0.001"} 1
http_server_request_duration_seconds_count{method="GET",route="/orders",status="200"} 2
http_server_request_duration_seconds_count{method="GET",route="/orders/:id",status="200"} 5
http_server_request_duration_seconds_count{method="GET",route="/orders/:id",status="404"} 1
http_server_request_duration_seconds_count{method="GET",route="/metrics",status="200"} 9
http_server_request_duration_seconds_count{method="GET",route="/readyz",status="200"} 30
http_server_request_duration_seconds_count{method="GET",route="/admin/faults",status="200"} 60
http_server_request_duration_seconds_count{method="POST",route="/odd \"route\", really",status="200"} 1
go_goroutines 12
`
	c, err := ParseRequestCounts(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	if got := c["GET /orders/:id"]; got != 6 {
		t.Errorf("GET /orders/:id = %g, want 6 (summed over statuses)", got)
	}
	if got := c[`POST /odd "route", really`]; got != 1 {
		t.Errorf("escaped route = %g, want 1; counts %v", got, c)
	}
	if got := c.API(); got != 9 {
		t.Errorf("API() = %g, want 9: the probes' 39 and the dashboard's 60 /admin polls left out", got)
	}
	later := RequestCounts{"GET /orders": 3, "GET /orders/:id": 6, "GET /metrics": 10, "GET /readyz": 30, `POST /odd "route", really`: 1}
	d := later.Since(c)
	if d.API() != 1 || d["GET /orders"] != 1 || d["GET /metrics"] != 1 || len(d) != 2 {
		t.Errorf("Since = %v, want one more GET /orders and one scrape", d)
	}
}
