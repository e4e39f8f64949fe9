package docker

import (
	"encoding/csv"
	"fmt"
	"strings"
)

// upReplicas counts the replicas HAProxy's CSV statistics (deploy/docker/
// haproxy, GET /stats;csv) show UP in backend "replicas": those its /readyz
// checks pass and its requests go to. A replica starting, stopping or gone
// from Docker's DNS is DOWN or MAINT and does not count.
func upReplicas(statsCSV string) (int, error) {
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(statsCSV, "# "))).ReadAll()
	if err != nil {
		return 0, fmt.Errorf("haproxy statistics: %w", err)
	}
	if len(rows) == 0 {
		return 0, fmt.Errorf("haproxy statistics: empty")
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	px, sv, st := col["pxname"], col["svname"], col["status"]
	if _, ok := col["status"]; !ok {
		return 0, fmt.Errorf("haproxy statistics: no status column in %q", strings.Join(rows[0], ","))
	}
	n := 0
	for _, r := range rows[1:] {
		if len(r) > st && r[px] == "replicas" && r[sv] != "BACKEND" && r[st] == "UP" {
			n++
		}
	}
	return n, nil
}
