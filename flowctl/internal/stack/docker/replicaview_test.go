package docker

import "testing"

func TestLocalHost(t *testing.T) {
	for host, want := range map[string]bool{
		"": true, "unix:///var/run/docker.sock": true, "tcp://127.0.0.1:2375": true, "tcp://localhost:2376": true,
		"tcp://10.0.0.7:2376": false, "ssh://me@build-host": false,
	} {
		if got := localHost(host); got != want {
			t.Errorf("DOCKER_HOST=%q: local %v, want %v", host, got, want)
		}
	}
}
