// Package api holds typed HTTP clients of the three services (and of Jaeger's
// query API). Error responses, which the services send as RFC 9457
// problem+json, become a *ProblemError that shows the title, the detail and
// the fields at fault.
package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/orderflow/platform/problem"

	oapi "github.com/orderflow/flowctl/internal/api/client"
	"github.com/orderflow/flowctl/internal/termsafe"
)

// DefaultTimeout bounds one request. A sync-mode order waits for two
// downstream calls of at most HTTP_CLIENT_TIMEOUT (2 s) each, so 10 s is
// never the limit that trips first.
const DefaultTimeout = 10 * time.Second

// client is what every typed client shares: the client generated from
// docs/openapi.yaml (internal/api/client) for the services' operations, and
// do for the platform routes the facade reads loosely (/readyz, /admin).
type client struct {
	base string
	hc   *http.Client
	api  *oapi.ClientWithResponses
}

func newClient(base string, hc *http.Client) client {
	if hc == nil {
		hc = &http.Client{Timeout: DefaultTimeout}
	}
	base = strings.TrimRight(base, "/")
	// NewClientWithResponses fails only when an option does; WithHTTPClient
	// cannot, and a bad base URL shows on the first request.
	api, _ := oapi.NewClientWithResponses(base, oapi.WithHTTPClient(hc))
	return client{base: base, hc: hc, api: api}
}

// checked gives a generated client's answer the facade's contract: a
// transport error as it is, an answer that does not decode named by its
// request, and any status outside 2xx as a *ProblemError.
// answer reads the generated response only when there is one (err == nil).
func checked(method, path string, err error, answer func() (*http.Response, []byte)) error {
	if err != nil {
		if _, ok := errors.AsType[*url.Error](err); ok {
			return err // it names the method and URL already
		}
		return fmt.Errorf("%s %s: decode answer: %w", method, path, err)
	}
	res, body := answer()
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return decodeProblem(method, path, res, body)
	}
	return nil
}

// do sends a request with an optional JSON body and decodes a 2xx JSON answer
// into out. Any other status becomes a *ProblemError; the status is returned
// either way.
func (c client) do(ctx context.Context, method, path string, body, out any) (int, error) {
	return c.doAuth(ctx, method, path, "", body, out)
}

// doAuth is do with an Authorization header (when auth is not empty).
func (c client) doAuth(ctx context.Context, method, path, auth string, body, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, fmt.Errorf("%s %s: encode body: %w", method, path, err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return 0, fmt.Errorf("%s %s: %w", method, path, err)
	}
	req.Header.Set("Accept", "application/json, "+problem.ContentType)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, err // a *url.Error already names the method and URL
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return resp.StatusCode, fmt.Errorf("%s %s: read answer: %w", method, path, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, decodeProblem(method, path, resp, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return resp.StatusCode, fmt.Errorf("%s %s: decode answer: %w", method, path, err)
		}
	}
	return resp.StatusCode, nil
}

// ProblemError is an error answer of a service.
type ProblemError struct {
	Method string
	Path   string
	Status int
	Type   string
	Title  string
	Detail string
	Fields []problem.FieldError
	// Extensions are the problem's other members, e.g. order_id and status
	// of an order that was rejected.
	Extensions map[string]any
}

// Error is one line: what was asked, the status, title and detail, and each
// field at fault.
func (e *ProblemError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %d %s", e.Method, e.Path, e.Status, e.Title)
	if e.Detail != "" {
		b.WriteString(": " + e.Detail)
	}
	if len(e.Fields) > 0 {
		parts := make([]string, 0, len(e.Fields))
		for _, f := range e.Fields {
			parts = append(parts, f.Field+": "+f.Detail)
		}
		b.WriteString(" (" + strings.Join(parts, "; ") + ")")
	}
	// The service wrote it; the operator's terminal prints it.
	return termsafe.String(b.String())
}

// Str returns a string extension member, "" if there is none.
func (e *ProblemError) Str(key string) string {
	s, _ := e.Extensions[key].(string)
	return s
}

// decodeProblem turns an error answer into a *ProblemError. A body that is
// not problem+json (a proxy's HTML page, say) still gives a readable error.
func decodeProblem(method, path string, resp *http.Response, body []byte) error {
	pe := &ProblemError{Method: method, Path: path, Status: resp.StatusCode, Title: http.StatusText(resp.StatusCode)}
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if ct == problem.ContentType || ct == "application/json" {
		var raw map[string]json.RawMessage
		if json.Unmarshal(body, &raw) == nil {
			str := func(k string) string {
				var s string
				_ = json.Unmarshal(raw[k], &s)
				return s
			}
			if t := str("title"); t != "" {
				pe.Title = t
			}
			pe.Type, pe.Detail = str("type"), str("detail")
			_ = json.Unmarshal(raw["errors"], &pe.Fields)
			for _, k := range slices.Sorted(maps.Keys(raw)) {
				switch k {
				case "type", "title", "status", "detail", "instance", "errors":
					continue
				}
				var v any
				if json.Unmarshal(raw[k], &v) == nil {
					if pe.Extensions == nil {
						pe.Extensions = map[string]any{}
					}
					pe.Extensions[k] = v
				}
			}
			return pe
		}
	}
	if s := strings.TrimSpace(string(body)); s != "" {
		if len(s) > 200 {
			s = s[:200] + "…"
		}
		pe.Detail = s
	}
	return pe
}
