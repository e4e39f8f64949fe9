// Package reqvalidate checks every request against docs/openapi.yaml before
// a handler sees it (kin-openapi's openapi3filter), and answers the ones the
// spec forbids with the services' 400 (or 415) problem naming each field at
// fault. What the spec says and what a service accepts then cannot differ:
// the handlers keep only the rules a schema cannot hold (an order's state,
// a stock level).
package reqvalidate

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/labstack/echo/v4"

	"github.com/orderflow/platform/httpserver"
	"github.com/orderflow/platform/problem"
)

// UniqueByExtension names, on an array schema, the member of its items
// whose values must be distinct (each SKU once per order): JSON Schema's
// uniqueItems compares whole items, which is not the rule.
const UniqueByExtension = "x-unique-by"

// Validator holds the routes of one service's spec.
type Validator struct {
	router routers.Router
}

// New builds a Validator for doc, typically the service's embedded spec
// (the generated GetSwagger). The servers are dropped: a service listens on
// whatever address it was given, so routes match by path only.
func New(doc *openapi3.T) (*Validator, error) {
	doc.Servers = nil
	for _, item := range doc.Paths.Map() {
		item.Servers = nil
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("routes of the spec: %w", err)
	}
	return &Validator{router: router}, nil
}

// Middleware validates the request of every operation in the spec; other
// requests (platform routes, unknown paths) pass untouched, so echo's own
// 404 and 405 answers stay as they are.
func (v *Validator) Middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		route, params, err := v.router.FindRoute(req)
		if err != nil {
			return next(c)
		}
		// The router hands path parameters over as they stand in the URL
		// (percent-encoded); the handlers get them decoded, so the schema
		// (a maxLength, a pattern) must see them decoded too.
		for k, p := range params {
			if v, err := url.PathUnescape(p); err == nil {
				params[k] = v
			}
		}
		if err := check(c, route, params); err != nil {
			return err
		}
		return next(c)
	}
}

func check(c echo.Context, route *routers.Route, params map[string]string) error {
	req := c.Request()
	fields := unknownQuery(req, route)
	var body []byte
	if route.Operation.RequestBody != nil {
		if ct := req.Header.Get("Content-Type"); ct != "" && !isJSON(ct) {
			return problem.New(http.StatusUnsupportedMediaType, "unsupported-media-type", "Unsupported media type",
				fmt.Sprintf("send the body as application/json, not %q", ct))
		}
		b, err := io.ReadAll(req.Body)
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return httpserver.TooLarge()
		}
		if err != nil {
			return fmt.Errorf("read the request body: %w", err)
		}
		body = b
		req.Body = io.NopCloser(bytes.NewReader(b)) // the handler reads it again
	}
	// The spec names application/json; any +json type (and none) is read as
	// JSON too, as the services always did.
	probe := req.Clone(req.Context())
	probe.Body = io.NopCloser(bytes.NewReader(body))
	if body != nil {
		probe.Header.Set("Content-Type", "application/json")
	}
	err := openapi3filter.ValidateRequest(req.Context(), &openapi3filter.RequestValidationInput{
		Request: probe, PathParams: params, Route: route,
		Options: &openapi3filter.Options{MultiError: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
	})
	fields = append(fields, fieldErrors(err)...)
	if err == nil && route.Operation.RequestBody != nil {
		fields = append(fields, uniqueBy(route.Operation.RequestBody.Value, body)...)
	}
	if len(fields) == 0 {
		return nil
	}
	fields = firstPerField(fields)
	return problem.Validation(fmt.Sprintf("the request has %d error(s)", len(fields)), fields...)
}

func isJSON(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// unknownQuery: a query parameter the operation does not declare is an
// error, not something to ignore — a misspelt ?limt=5 would otherwise
// answer 20 orders as if nothing were wrong.
func unknownQuery(req *http.Request, route *routers.Route) []problem.FieldError {
	declared := map[string]bool{}
	for _, ps := range []openapi3.Parameters{route.PathItem.Parameters, route.Operation.Parameters} {
		for _, p := range ps {
			if p.Value != nil && p.Value.In == openapi3.ParameterInQuery {
				declared[p.Value.Name] = true
			}
		}
	}
	var out []problem.FieldError
	q := req.URL.Query()
	names := make([]string, 0, len(q))
	for name := range q {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		switch {
		case name == "":
			// "?=" or "?&=x": a parameter without a name still has to be named in the answer.
			out = append(out, problem.FieldError{Field: "query", Detail: "has a parameter without a name; remove the stray '=' or write name=value"})
		case !declared[name]:
			out = append(out, problem.FieldError{Field: name, Detail: "is not a parameter of this operation; check the spelling against docs/openapi.yaml"})
		}
	}
	return out
}

var quoted = regexp.MustCompile(`^property "(.+)" is (unsupported|missing)$`)

// fieldErrors turns kin-openapi's errors into the fields at fault.
func fieldErrors(err error) []problem.FieldError {
	if err == nil {
		return nil
	}
	// A type switch, not errors.As: a RequestError unwraps to the
	// MultiError of its schema errors, which would lose the parameter.
	if multi, ok := err.(openapi3.MultiError); ok {
		var out []problem.FieldError
		for _, e := range multi {
			out = append(out, fieldErrors(e)...)
		}
		return out
	}
	var re *openapi3filter.RequestError
	if !errors.As(err, &re) {
		return []problem.FieldError{{Field: "body", Detail: firstLine(err.Error())}}
	}
	field := "body"
	if re.Parameter != nil {
		field = re.Parameter.Name
	}
	if re.Err == nil {
		return []problem.FieldError{{Field: field, Detail: re.Reason}}
	}
	var inner openapi3.MultiError
	if errors.As(re.Err, &inner) {
		var out []problem.FieldError
		for _, e := range inner {
			out = append(out, schemaField(field, re.Parameter != nil, e))
		}
		return out
	}
	return []problem.FieldError{schemaField(field, re.Parameter != nil, re.Err)}
}

// schemaField names the member a schema error is about: items[0].qty, or
// the unknown or missing member itself.
func schemaField(base string, isParam bool, err error) problem.FieldError {
	var se *openapi3.SchemaError
	if !errors.As(err, &se) {
		var pe *openapi3filter.ParseError
		if errors.As(err, &pe) && isParam {
			return problem.FieldError{Field: base, Detail: "is not of the type the spec gives: " + pe.Reason}
		}
		return problem.FieldError{Field: base, Detail: firstLine(err.Error())}
	}
	path := se.JSONPointer()
	detail := se.Reason
	if m := quoted.FindStringSubmatch(se.Reason); m != nil {
		if len(path) == 0 || path[len(path)-1] != m[1] {
			path = append(path, m[1])
		}
		if m[2] == "missing" {
			detail = "is required"
		} else {
			detail = "is not a member of this request; check the spelling against docs/openapi.yaml"
		}
	}
	if se.SchemaField == "pattern" && se.Schema != nil && se.Schema.Description != "" {
		// The regular expression says what, its description says why.
		detail = "breaks the spec's pattern for it: " + se.Schema.Description
	}
	if detail == "" {
		detail = fmt.Sprintf("breaks the spec's %q rule", se.SchemaField)
	}
	if isParam || len(path) == 0 {
		return problem.FieldError{Field: base, Detail: detail}
	}
	return problem.FieldError{Field: memberPath(path), Detail: detail}
}

// memberPath writes a JSON pointer the way the problems name members.
func memberPath(path []string) string {
	var b strings.Builder
	for _, p := range path {
		if _, err := strconv.Atoi(p); err == nil {
			fmt.Fprintf(&b, "[%s]", p)
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(p)
	}
	return b.String()
}

// firstLine drops what kin-openapi appends to a message: the whole schema
// and the value, which bury the reason (and echo the input back).
func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// firstPerField keeps one error per field (a blank customer_id breaks both
// minLength and pattern), sorted by field so answers are stable.
func firstPerField(fields []problem.FieldError) []problem.FieldError {
	slices.SortStableFunc(fields, func(a, b problem.FieldError) int { return strings.Compare(a.Field, b.Field) })
	return slices.CompactFunc(fields, func(a, b problem.FieldError) bool { return a.Field == b.Field })
}

// Load builds the validating middleware from a generated package's embedded
// spec (oapi-codegen's GetSwagger).
func Load(spec func() (*openapi3.T, error)) (echo.MiddlewareFunc, error) {
	doc, err := spec()
	if err != nil {
		return nil, fmt.Errorf("load the embedded OpenAPI spec: %w", err)
	}
	v, err := New(doc)
	if err != nil {
		return nil, err
	}
	return v.Middleware, nil
}
