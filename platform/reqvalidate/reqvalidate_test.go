package reqvalidate

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"

	"github.com/orderflow/platform/problem"
)

const testSpec = `
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /things:
    get:
      parameters:
        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 5}}
      responses: {"200": {description: ok}}
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              additionalProperties: false
              required: [name, lines]
              properties:
                name: {type: string, minLength: 1, maxLength: 4}
                lines:
                  type: array
                  minItems: 1
                  x-unique-by: sku
                  items:
                    type: object
                    additionalProperties: false
                    required: [sku]
                    properties:
                      sku: {type: string}
                      qty: {type: integer, minimum: 1}
      responses: {"201": {description: ok}}
  /things/{id}:
    get:
      parameters:
        - {name: id, in: path, required: true, schema: {type: string, pattern: "^[0-9]+$"}}
      responses: {"200": {description: ok}}
`

func TestMiddleware(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData([]byte(testSpec))
	if err != nil {
		t.Fatal(err)
	}
	v, err := New(doc)
	if err != nil {
		t.Fatal(err)
	}
	e := echo.New()
	e.HTTPErrorHandler = func(err error, c echo.Context) {
		if p, ok := err.(*problem.Problem); ok {
			_ = c.JSON(p.Status, p)
			return
		}
		e.DefaultHTTPErrorHandler(err, c)
	}
	ok := func(c echo.Context) error { return c.NoContent(http.StatusNoContent) }
	e.GET("/things", ok, v.Middleware)
	e.POST("/things", ok, v.Middleware)
	e.GET("/things/:id", ok, v.Middleware)
	e.GET("/healthz", ok, v.Middleware) // not in the spec: passes untouched

	for _, tc := range []struct {
		name, method, path, ctype, body string
		want                            int
		fields                          []string
	}{
		{"valid get", "GET", "/things?limit=5", "", "", 204, nil},
		{"limit out of range", "GET", "/things?limit=6", "", "", 400, []string{"limit"}},
		{"limit not a number", "GET", "/things?limit=x", "", "", 400, []string{"limit"}},
		{"unknown query parameter", "GET", "/things?limt=5", "", "", 400, []string{"limt"}},
		{"query parameter without a name", "GET", "/things?=", "", "", 400, []string{"query"}},
		{"malformed path parameter", "GET", "/things/abc", "", "", 400, []string{"id"}},
		{"not in the spec", "GET", "/healthz?x=1", "", "", 204, nil},
		{"valid body", "POST", "/things", "application/json", `{"name":"ab","lines":[{"sku":"A","qty":1},{"sku":"B"}]}`, 204, nil},
		{"+json body without charset", "POST", "/things", "application/vnd.thing+json", `{"name":"ab","lines":[{"sku":"A"}]}`, 204, nil},
		{"missing member", "POST", "/things", "application/json", `{"lines":[{"sku":"A"}]}`, 400, []string{"name"}},
		{"nested missing member", "POST", "/things", "application/json", `{"name":"a","lines":[{"qty":1}]}`, 400, []string{"lines[0].sku"}},
		{"unknown member", "POST", "/things", "application/json", `{"name":"a","lines":[{"sku":"A"}],"x":1}`, 400, []string{"x"}},
		{"nested unknown member", "POST", "/things", "application/json", `{"name":"a","lines":[{"sku":"A","price":1}]}`, 400, []string{"lines[0].price"}},
		{"wrong type", "POST", "/things", "application/json", `{"name":"a","lines":[{"sku":"A","qty":"1"}]}`, 400, []string{"lines[0].qty"}},
		{"out of range, several", "POST", "/things", "application/json", `{"name":"abcde","lines":[]}`, 400, []string{"lines", "name"}},
		{"duplicate x-unique-by", "POST", "/things", "application/json", `{"name":"a","lines":[{"sku":"A"},{"sku":"B"},{"sku":"A","qty":2}]}`, 400, []string{"lines[2].sku"}},
		{"not JSON", "POST", "/things", "application/json", `name=a`, 400, []string{"body"}},
		{"empty body", "POST", "/things", "application/json", ``, 400, []string{"body"}},
		{"wrong media type", "POST", "/things", "text/plain", `{}`, 415, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, tc.path, strings.NewReader(tc.body))
			if tc.ctype != "" {
				req.Header.Set("Content-Type", tc.ctype)
			}
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, req)
			if rec.Code != tc.want {
				t.Fatalf("status = %d, want %d: %s", rec.Code, tc.want, rec.Body)
			}
			if tc.want != 400 {
				return
			}
			var p problem.Problem
			if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range p.Errors {
				got = append(got, f.Field)
				if f.Detail == "" || strings.Contains(f.Detail, "\n") {
					t.Errorf("field %s: detail %q, want one line", f.Field, f.Detail)
				}
			}
			if !slices.Equal(got, tc.fields) {
				t.Errorf("fields = %v, want %v: %s", got, tc.fields, rec.Body)
			}
		})
	}
}

// TestPathParametersAreCheckedDecoded: a free-text path parameter is
// checked as the handler gets it (decoded), not as it stands in the URL:
// "ééé" is three characters, not eighteen.
func TestPathParametersAreCheckedDecoded(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData([]byte(`
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /names/{id}:
    get:
      parameters:
        - {name: id, in: path, required: true, schema: {type: string, minLength: 1, maxLength: 3, pattern: "\\S"}}
      responses: {"200": {description: ok}}
`))
	if err != nil {
		t.Fatal(err)
	}
	v, err := New(doc)
	if err != nil {
		t.Fatal(err)
	}
	e := echo.New()
	e.HTTPErrorHandler = func(err error, c echo.Context) {
		if p, ok := err.(*problem.Problem); ok {
			_ = c.JSON(p.Status, p)
			return
		}
		e.DefaultHTTPErrorHandler(err, c)
	}
	e.GET("/names/:id", func(c echo.Context) error { return c.NoContent(http.StatusNoContent) }, v.Middleware)
	for path, want := range map[string]int{
		"/names/%C3%A9%C3%A9%C3%A9":       204, // ééé
		"/names/a%20b":                    204, // "a b"
		"/names/%C3%A9%C3%A9%C3%A9%C3%A9": 400, // four characters
		"/names/%20%20":                   400, // blank
	} {
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != want {
			t.Errorf("GET %s = %d, want %d: %s", path, rec.Code, want, rec.Body)
		}
	}
}
