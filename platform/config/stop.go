package config

import "time"

// How long a service takes to stop after SIGTERM, at most: its requests in
// flight get ShutdownTimeout to finish (httpserver.Serve), then its traces
// FlushTimeout to leave (service.App.Close). deploy/k8s's grace period
// covers both after its preStop sleep (k8s_shape_test.go checks).
const (
	ShutdownTimeout = 10 * time.Second
	FlushTimeout    = 5 * time.Second
)
