package docker

import (
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"

	"github.com/orderflow/flowctl/internal/stack"
)

// statsRows are HAProxy's CSV statistics (GET /stats;csv) as one map per
// row of backend "replicas", by column name.
func statsRows(statsCSV string) ([]map[string]string, error) {
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(statsCSV, "# "))).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("haproxy statistics: %w", err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("haproxy statistics: empty")
	}
	var out []map[string]string
	for _, r := range rows[1:] {
		row := map[string]string{}
		for i, name := range rows[0] {
			if i < len(r) {
				row[name] = r[i]
			}
		}
		if row["pxname"] == "replicas" {
			out = append(out, row)
		}
	}
	return out, nil
}

// balancerCounts reads the counts of HAProxy's backend "replicas": Retried
// is its retries and redispatches (wretr + wredis: a connection refused or
// not opened in 200 ms, resent), Refused its connection errors (econ),
// Failed the 5xx answers HAProxy gave itself (the backend's hrsp_5xx less
// those its replicas gave).
func balancerCounts(statsCSV string) (stack.BalancerCounts, error) {
	rows, err := statsRows(statsCSV)
	if err != nil {
		return stack.BalancerCounts{}, err
	}
	var c stack.BalancerCounts
	var replicas5xx int64
	found := false
	for _, r := range rows {
		if r["svname"] != "BACKEND" {
			replicas5xx += count(r, "hrsp_5xx")
			continue
		}
		found = true
		c.Retried = count(r, "wretr") + count(r, "wredis")
		c.Refused = count(r, "econ")
		c.Failed = count(r, "hrsp_5xx")
	}
	if !found {
		return c, fmt.Errorf("haproxy statistics: no BACKEND row of backend replicas")
	}
	c.Failed = max(c.Failed-replicas5xx, 0)
	return c, nil
}

// count is column col of r as a number; empty (HAProxy leaves a counter
// that does not apply empty) is 0.
func count(r map[string]string, col string) int64 {
	n, _ := strconv.ParseInt(r[col], 10, 64)
	return n
}
