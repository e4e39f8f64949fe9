package dashboard

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"

	"github.com/orderflow/platform/problem"
)

// KeyHeader carries the per-run key of a public dashboard on fetch calls;
// the event stream, which EventSource opens without headers, takes it as
// the query parameter "key".
const KeyHeader = "X-Dashboard-Key"

// NewKey returns a random per-run key: 32 bytes from crypto/rand, URL-safe.
// A public dashboard holds the services' admin token and can stop them, so
// reaching its port must not be enough: the key is what the page's URL
// carries and a page elsewhere cannot guess.
func NewKey() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("dashboard key: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// Key is the key the API wants ("" when it wants none: a loopback dashboard).
func (s *Server) Key() string { return s.cfg.Key }

// URL is the address to open for a dashboard listening on addr: with a key,
// it rides in the fragment, which the browser never sends to the server or
// in a Referer; the page reads it from there once.
func (s *Server) URL(addr string) string {
	u := "http://" + addr + "/"
	if s.cfg.Key != "" {
		u += "#key=" + s.cfg.Key
	}
	return u
}

// keyOK says whether r carries the key, when one is wanted: on /api/ only
// (the page's assets hold nothing and must load to read the key).
func (s *Server) keyOK(r *http.Request) bool {
	if s.cfg.Key == "" || !strings.HasPrefix(r.URL.Path, "/api/") {
		return true
	}
	got := r.Header.Get(KeyHeader)
	if got == "" && r.URL.Path == "/api/stream" {
		got = r.URL.Query().Get("key")
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(s.cfg.Key)) == 1
}

func unauthorized(w http.ResponseWriter) {
	problem.Write(w, problem.New(http.StatusUnauthorized, "unauthorized", "Dashboard key missing or wrong",
		"this dashboard is public: open the URL flowctl dashboard printed (it ends in #key=…), which sends the key as "+KeyHeader))
}

// notDuringScenario refuses a write from the page while a scenario runs:
// a fault, a load or a stop from here would be measured into the
// scenario's verdict.
func (s *Server) notDuringScenario(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.scen.isRunning() {
			conflict(w, "A scenario is running",
				r.Method+" "+r.URL.Path+" would change what the running scenario measures: wait for its result")
			return
		}
		next(w, r)
	}
}
