package httpserver

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/orderflow/platform/access"
	"github.com/orderflow/platform/problem"
)

// AnyHost in Access.AllowedHosts turns the Host check off.
const AnyHost = access.AnyHost

// Access says which requests a page in a browser could have sent on its
// own and are refused: the services serve no page, so no browser has a
// reason to call them.
type Access struct {
	// AllowedHosts are host names answered besides loopback, IP addresses
	// and the services' own names (HTTP_ALLOWED_HOSTS; access.ServiceHost).
	AllowedHosts []string
}

// isWrite: the methods a page must not send here on its own.
func isWrite(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return true
}

// hasBody: a declared length, or a chunked body of unknown length.
func hasBody(r *http.Request) bool {
	return r.ContentLength > 0 || (r.ContentLength < 0 && r.Body != nil && r.Body != http.NoBody)
}

// guard refuses what a hostile page could make a browser send: a request
// addressed by a foreign name (DNS rebinding: the page's own name resolved
// to this machine), a write from another origin, and a write whose body is
// not declared JSON (form posts and no-cors fetches cannot declare it
// without the browser asking first). Probes and metrics are exempt:
// Kubernetes and Prometheus address them by the pod's IP or any name.
func (a Access) guard(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if p := c.Path(); p == "/healthz" || p == "/readyz" || p == "/metrics" {
			return next(c)
		}
		if !access.ServiceHost(r.Host, a.AllowedHosts) {
			return ForeignHost(r.Host)
		}
		if !isWrite(r.Method) {
			return next(c)
		}
		if o := r.Header.Get("Origin"); o != "" && !access.SameOrigin(o, r.Host) {
			return problem.New(http.StatusForbidden, "foreign-origin", "Cross-origin write refused",
				fmt.Sprintf("Origin %q is not this service (%s): the services serve no page, so a write from a browser page elsewhere is refused; call the API from a program, not a web page", o, r.Host))
		}
		if hasBody(r) {
			if !access.JSONBody(r.Header.Get("Content-Type")) {
				return NotJSON(r.Header.Get("Content-Type"))
			}
		}
		return next(c)
	}
}

// ForeignHost is the 421 problem of a request addressed by a name this
// service does not answer to: 421 Misdirected Request says the request
// reached a server that is not the one its name meant.
func ForeignHost(host string) *problem.Problem {
	return problem.New(http.StatusMisdirectedRequest, "foreign-host", "Host not answered here",
		fmt.Sprintf("Host %q is not a name of this service: it answers loopback (localhost, 127.0.0.1), IP addresses and the services' compose and Kubernetes names; a page whose own name resolves here (DNS rebinding) is refused this way. Add the name to HTTP_ALLOWED_HOSTS (comma-separated, * for any) if it is yours", host))
}

// NotJSON is the 415 problem of a write whose body is not declared JSON.
func NotJSON(contentType string) *problem.Problem {
	got := "this one has none"
	if contentType != "" {
		got = fmt.Sprintf("not %q", contentType)
	}
	return problem.New(http.StatusUnsupportedMediaType, "unsupported-media-type", "Unsupported media type",
		fmt.Sprintf("send the body with Content-Type: application/json, %s (a body without it is what a form or a page elsewhere sends)", got))
}
