// Command healthcheck is the container health probe of the orderflow service
// images. The runtime image may be scratch or distroless (no shell, no curl),
// so the Dockerfile builds this single file, standard library only, next to
// the service binary.
//
//	healthcheck            GET /readyz on the port of HTTP_ADDR (default 8080)
//	healthcheck /healthz   another path on that port
//	healthcheck URL        any absolute http:// URL
//
// Exit status 0 for a 2xx answer, 1 otherwise. The first line of the answer
// (the readiness JSON says which check failed) goes to stdout, so
// `docker inspect --format '{{json .State.Health}}'` shows why a container is
// unhealthy.
package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"
)

func main() {
	os.Exit(run(os.Args[1:], os.Getenv, os.Stdout))
}

func run(args []string, getenv func(string) string, out io.Writer) int {
	target := "/readyz"
	if len(args) > 0 {
		target = args[0]
	}
	url := target
	if !strings.HasPrefix(target, "http://") && !strings.HasPrefix(target, "https://") {
		url = "http://" + localAddr(getenv("HTTP_ADDR")) + "/" + strings.TrimPrefix(target, "/")
	}
	timeout := 3 * time.Second
	if d, err := time.ParseDuration(getenv("HEALTHCHECK_TIMEOUT")); err == nil && d > 0 {
		timeout = d
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		fmt.Fprintf(out, "healthcheck: %v\n", err)
		return 1
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(out, "healthcheck: GET %s: %v\n", url, err)
		return 1
	}
	defer resp.Body.Close()
	line, _ := bufio.NewReader(io.LimitReader(resp.Body, 4096)).ReadString('\n')
	fmt.Fprintf(out, "GET %s: %s %s\n", url, resp.Status, strings.TrimSpace(line))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return 1
	}
	return 0
}

// localAddr turns the service's listen address into one to dial from inside
// the container: a wildcard or empty host becomes 127.0.0.1.
func localAddr(listen string) string {
	if listen == "" {
		listen = "0.0.0.0:8080"
	}
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return "127.0.0.1:8080"
	}
	switch host {
	case "", "0.0.0.0", "::", "[::]":
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}
