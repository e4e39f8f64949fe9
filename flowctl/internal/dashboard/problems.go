package dashboard

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"

	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/platform/access"
	"github.com/orderflow/platform/problem"
)

// The dashboard's API answers bad input with RFC 9457 problems
// (platform/problem) and changes nothing.

func invalid(w http.ResponseWriter, field, detail string) {
	problem.Write(w, problem.Validation(detail, problem.FieldError{Field: field, Detail: detail}))
}

func notFound(w http.ResponseWriter, title, detail string) {
	problem.Write(w, problem.New(http.StatusNotFound, "not-found", title, detail))
}

func conflict(w http.ResponseWriter, title, detail string) {
	problem.Write(w, problem.New(http.StatusConflict, "conflict", title, detail))
}

// failed says a call the dashboard made on the page's behalf failed: the
// stack, not the request, is at fault.
func failed(w http.ResponseWriter, title string, err error) {
	problem.Write(w, problem.New(http.StatusBadGateway, "dependency-failed", title, err.Error()))
}

// mode resolves the {mode} of a path to a stack the dashboard shows.
func (s *Server) mode(w http.ResponseWriter, name string) (*modeState, bool) {
	ms, ok := s.modes[stackmode.Mode(name)]
	if !ok {
		notFound(w, "Unknown stack", fmt.Sprintf("no stack %q here: use %s", name, s.modeList()))
		return nil, false
	}
	return ms, true
}

func (s *Server) modeList() string {
	names := make([]string, 0, len(s.order))
	for _, m := range s.order {
		names = append(names, string(m))
	}
	return strings.Join(names, " or ")
}

// maxBody caps a request body: the API takes a few small members.
const maxBody = 64 << 10

// readJSON decodes one small JSON value, strictly: unknown members and
// anything after the value are a mistake worth saying; an empty body is an
// empty request.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, next := dec.Token(); !errors.Is(next, io.EOF) {
			err = errors.New("something follows the JSON value: send one object")
			if tooLarge(next) {
				err = next
			}
		}
	} else if errors.Is(err, io.EOF) {
		err = nil
	}
	switch {
	case err == nil:
		return true
	case tooLarge(err):
		problem.Write(w, problem.New(http.StatusRequestEntityTooLarge, "too-large", "Body too large",
			fmt.Sprintf("the dashboard's API takes bodies up to %d bytes", maxBody)))
	default:
		invalid(w, "body", "the body is not the JSON this endpoint takes: "+err.Error())
	}
	return false
}

func tooLarge(err error) bool {
	var mb *http.MaxBytesError
	return errors.As(err, &mb)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// guard refuses what a page elsewhere could make a browser send here: a Host
// that is not loopback (DNS rebinding) unless the dashboard is public, an
// API call without the key of a public dashboard (any Host reaches it, so
// the key is what keeps it from being an open proxy to the admin API), and
// a write without Content-Type application/json (a cross-site form post
// cannot set it without the browser asking first), even an empty one.
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.keyOK(r) {
			unauthorized(w)
			return
		}
		if !s.cfg.Public && !loopbackHost(r.Host) {
			problem.Write(w, problem.New(http.StatusForbidden, "forbidden", "Not a loopback host",
				fmt.Sprintf("host %q: the dashboard answers 127.0.0.1 and localhost only (flowctl dashboard --public allows others)", r.Host)))
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if !access.JSONBody(r.Header.Get("Content-Type")) {
				problem.Write(w, problem.New(http.StatusUnsupportedMediaType, "unsupported-media-type", "Send JSON",
					"the dashboard's API takes application/json bodies"))
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// loopbackHost is the services' own loopback rule (platform/access).
func loopbackHost(hostport string) bool { return access.Loopback(hostport) }

// CheckAddr accepts a listen address on loopback, or any with public.
func CheckAddr(addr string, public bool) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		return fmt.Errorf("--addr %q: use host:port, e.g. 127.0.0.1:8090", addr)
	}
	if public || loopbackHost(host) {
		return nil
	}
	return fmt.Errorf("--addr %s is not a loopback address: the dashboard can break the stacks, so it listens on 127.0.0.1 unless you pass --public", addr)
}
