package docker

// upReplicas counts the replicas HAProxy's CSV statistics (deploy/docker/
// haproxy, GET /stats;csv) show UP in backend "replicas" (upSlots): those
// its /readyz checks pass and its requests go to. A replica starting,
// stopping or gone from Docker's DNS is DOWN or MAINT and does not count.
func upReplicas(statsCSV string) (int, error) {
	slots, err := upSlots(statsCSV)
	return len(slots), err
}
