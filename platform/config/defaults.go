package config

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/orderflow/platform/topology"
)

// loopback is the host of every default address: the defaults describe a
// sync stack on this machine, which is what a service run by hand joins.
const loopback = "127.0.0.1"

// DefaultHTTPAddr is each service's sync-stack address: loopback, at the
// topology's port offset above topology.DefaultPortBase (8081, 8082, 8083).
var DefaultHTTPAddr = defaultHTTPAddrs()

func defaultHTTPAddrs() map[string]string {
	out := make(map[string]string, len(topology.Services))
	for _, s := range topology.Services {
		out[s.Name] = addr(s.Port(topology.DefaultPortBase))
	}
	out[topology.FraudSvc] = addr(topology.FraudPort(topology.DefaultPortBase))
	return out
}

// defaultHTTPAddr is service's sync-stack address; a service the topology
// does not know (a test's, a tool's) listens on the base port itself.
func defaultHTTPAddr(service string) string {
	if a, ok := DefaultHTTPAddr[service]; ok {
		return a
	}
	return addr(topology.DefaultPortBase)
}

// defaultURL is the base URL order-svc calls service at by default.
func defaultURL(service string) string { return "http://" + defaultHTTPAddr(service) }

// httpAddrDoc is HTTP_ADDR's default as the variables table shows it: the
// first service's address, then the other services' ports
// ("127.0.0.1:8081 / 8082 / 8083").
func httpAddrDoc() string {
	parts := make([]string, len(topology.Services))
	for i, s := range topology.Services {
		parts[i] = strconv.Itoa(s.Port(topology.DefaultPortBase))
	}
	if len(parts) > 0 {
		parts[0] = addr(topology.Services[0].Port(topology.DefaultPortBase))
	}
	return strings.Join(parts, " / ")
}

func addr(port int) string { return net.JoinHostPort(loopback, strconv.Itoa(port)) }

// MaxFraudLimitUnits bounds FRAUD_LIMIT_UNITS: 100 lines of MaxQty.
const MaxFraudLimitUnits = 100_000

// onOff reads a variable that is "on" or "off".
func onOff(v, name string, errs *[]string) bool {
	switch v {
	case "on":
		return true
	case "off":
		return false
	}
	*errs = append(*errs, fmt.Sprintf("%s=%q: use on or off", name, v))
	return false
}

// checkDatabaseURL says what is wrong with DATABASE_URL, or "". It never
// repeats the URL, which may hold a password.
func checkDatabaseURL(u string) string {
	if u == "" {
		return ""
	}
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "postgres" && p.Scheme != "postgresql") || p.Host == "" {
		return "DATABASE_URL: use a postgres://user@host:port/database URL, or leave it empty for SQLite at DB_PATH"
	}
	return ""
}
