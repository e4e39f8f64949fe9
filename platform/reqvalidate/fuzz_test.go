package reqvalidate

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"

	"github.com/orderflow/platform/problem"
)

// FuzzValidator sends arbitrary requests through the validator built from
// the real contract (docs/openapi.yaml). Seeds are the requests flowctl and
// the services send. The validator must never panic, must answer every
// request it refuses with a 400 or 415 problem naming a field, and must
// not let a customer id through that the contract refuses (control or
// format characters, blanks only).
func FuzzValidator(f *testing.F) {
	doc, err := openapi3.NewLoader().LoadFromFile("../../docs/openapi.yaml")
	if err != nil {
		f.Fatal(err)
	}
	v, err := New(doc)
	if err != nil {
		f.Fatal(err)
	}
	e := echo.New()
	e.HTTPErrorHandler = func(err error, c echo.Context) {
		if p, ok := err.(*problem.Problem); ok {
			_ = c.JSON(p.Status, p)
			return
		}
		e.DefaultHTTPErrorHandler(err, c)
	}
	e.Any("/*", func(c echo.Context) error { return c.NoContent(http.StatusNoContent) }, v.Middleware)
	seeds := []struct{ method, target, body string }{
		{"POST", "/orders", `{"customer_id":"cust-42","items":[{"sku":"SKU-001","qty":2},{"sku":"SKU-003","qty":1}]}`},
		{"GET", "/orders?limit=5&status=PENDING", ``},
		{"GET", "/orders/6f1c2b3a-0000-4000-8000-000000000001", ``},
		{"POST", "/orders/6f1c2b3a-0000-4000-8000-000000000001/cancel", ``},
		{"POST", "/stock/SKU-005/receipts", `{"quantity":250,"reference":"DN-2025-0117"}`},
		{"POST", "/stock/SKU-005/adjustments", `{"delta":-4,"reason":"count: 4 broken","reference":"CNT-2025-11-03"}`},
		{"POST", "/reservations", `{"order_id":"6f1c2b3a-0000-4000-8000-000000000001","customer_id":"cust-1","items":[{"sku":"SKU-001","qty":2}]}`},
		{"POST", "/invoices", `{"order_id":"6f1c2b3a-0000-4000-8000-000000000001","customer_id":"cust-1","items":[{"sku":"SKU-001","qty":2}]}`},
		{"PUT", "/customers/cust-thrifty/credit-limit", `{"limit_cents":10000}`},
		{"POST", "/orders", `{"customer_id":"\u202e","items":[{"sku":"SKU-001","qty":1}]}`},
	}
	for _, s := range seeds {
		f.Add(s.method, s.target, s.body)
	}
	f.Fuzz(func(t *testing.T, method, target, body string) {
		req, err := http.NewRequest(method, "http://127.0.0.1"+target, strings.NewReader(body))
		if err != nil || !strings.HasPrefix(target, "/") {
			return
		}
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		checkAnswer(t, req, body, rec)
	})
}

// checkAnswer: passed on, or refused with a problem naming what is wrong.
func checkAnswer(t *testing.T, req *http.Request, body string, rec *httptest.ResponseRecorder) {
	t.Helper()
	switch rec.Code {
	case http.StatusNoContent:
		if req.Method == http.MethodPost && req.URL.Path == "/orders" {
			if id, ok := customerID(body); ok && !customerIDAllowed(id) {
				t.Fatalf("POST /orders passed with customer_id %q, which the contract refuses", id)
			}
		}
	case http.StatusBadRequest, http.StatusUnsupportedMediaType:
		p, ok := lastProblem(rec)
		if !ok || (rec.Code == 400 && len(p.Errors) == 0) {
			t.Fatalf("%s %s refused %d without a problem naming a field: %s", req.Method, req.URL, rec.Code, rec.Body)
		}
		for _, fe := range p.Errors {
			if fe.Field == "" || fe.Detail == "" {
				t.Fatalf("%s %s: field error %+v is not named or not explained", req.Method, req.URL, fe)
			}
		}
	case http.StatusNotFound, http.StatusMethodNotAllowed:
		// echo's own answer for what matches no route; not the validator's.
	default:
		t.Fatalf("%s %s answered %d: %s", req.Method, req.URL, rec.Code, rec.Body)
	}
}
