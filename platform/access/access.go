// Package access decides which requests a browser page elsewhere could
// have made a browser send: by the Host a request names (DNS rebinding),
// the Origin it comes from and the type of its body. The services
// (platform/httpserver) and flowctl's dashboard both ask it; it depends on
// nothing but the topology, so the dashboard need not pull in a server.
package access

import (
	"mime"
	"net"
	"net/url"
	"slices"
	"strings"

	"github.com/orderflow/platform/topology"
)

// AnyHost in an allow-list answers every Host (a deployment behind a
// proxy that checks names itself).
const AnyHost = "*"

// hostOnly is the host of a Host header, lower-case, without port,
// brackets or a final dot.
func hostOnly(hostport string) string {
	host := strings.ToLower(hostport)
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return strings.TrimSuffix(strings.Trim(host, "[]"), ".")
}

// Loopback says whether a Host names this machine's loopback: localhost
// (and *.localhost, which browsers resolve to loopback themselves) or a
// loopback address, any port.
func Loopback(hostport string) bool {
	host := hostOnly(hostport)
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ServiceHost says whether a Host names a service the way its callers do:
// loopback, an IP address, one of allowed, or a service's name alone or as
// a Kubernetes name (svc.ns, svc.ns.svc, svc.ns.svc.cluster.local). IP
// addresses pass: a browser sends one only when the page's URL holds it,
// so it is no DNS-rebinding page (that needs a name the attacker's DNS
// answers), and a page on another port of the same address is refused by
// its Origin.
func ServiceHost(hostport string, allowed []string) bool {
	host := hostOnly(hostport)
	if host == "" {
		return false
	}
	if slices.Contains(allowed, AnyHost) || slices.Contains(allowed, host) || Loopback(host) || net.ParseIP(host) != nil {
		return true
	}
	first, rest, _ := strings.Cut(host, ".")
	if !slices.Contains(topology.HostNames(), first) {
		return false
	}
	labels := strings.Split(rest, ".")
	switch {
	case rest == "", len(labels) == 1:
		return true
	case len(labels) == 2:
		return labels[1] == "svc"
	case len(labels) == 4:
		return labels[1] == "svc" && labels[2] == "cluster" && labels[3] == "local"
	}
	return false
}

// SameOrigin says whether an Origin header names host itself.
func SameOrigin(origin, host string) bool {
	u, err := url.Parse(origin)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && strings.EqualFold(u.Host, host)
}

// JSONBody says whether a Content-Type declares JSON (application/json or
// a +json type): a form or a no-cors fetch cannot send one without the
// browser asking the server first (a CORS preflight).
func JSONBody(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}
