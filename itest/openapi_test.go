package itest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/labstack/echo/v4"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/problem"
	"github.com/orderflow/platform/service"

	inventory "github.com/orderflow/inventory-svc/app"
	invoicing "github.com/orderflow/invoicing-svc/app"

	fraud "github.com/orderflow/fraud-svc/app"
	orders "github.com/orderflow/order-svc/app"
)

// contractSpecPath is the REST contract the handlers are checked against.
const contractSpecPath = "../docs/openapi.yaml"

// contractService is one service of the contract test, running in-process in sync mode.
type contractService struct {
	name string
	echo *echo.Echo
	url  string
}

// loadContract loads and validates docs/openapi.yaml. The servers (127.0.0.1
// with fixed ports) are dropped so the router matches requests by path only:
// the services under test listen on random ports.
func loadContract(t *testing.T) (*openapi3.T, routers.Router) {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(contractSpecPath)
	if err != nil {
		t.Fatalf("load %s: %v", contractSpecPath, err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("%s is not a valid OpenAPI document: %v", contractSpecPath, err)
	}
	if len(doc.Servers) != 4 {
		t.Errorf("spec lists %d servers, want one per service", len(doc.Servers))
	}
	doc.Servers = nil
	for _, item := range doc.Paths.Map() {
		item.Servers = nil
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatalf("router: %v", err)
	}
	return doc, router
}

// startContractService wires one service with app.New and serves its Handler.
func startContractService(t *testing.T, name string, env map[string]string) *contractService {
	t.Helper()
	vars := map[string]string{"MODE": "sync", "DB_PATH": filepath.Join(t.TempDir(), name+".db"), "LOG_LEVEL": "error", "ADMIN_TOKEN": "contract"}
	for k, v := range env {
		vars[k] = v
	}
	cfg, err := config.Load(name, func(k string) string { return vars[k] })
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	opts := service.Options{LogWriter: io.Discard}
	var a *service.App
	switch name {
	case orders.Name:
		x, err := orders.New(ctx, cfg, opts)
		if err != nil {
			t.Fatalf("start %s: %v", name, err)
		}
		a = x.App
	case inventory.Name:
		x, err := inventory.New(ctx, cfg, opts)
		if err != nil {
			t.Fatalf("start %s: %v", name, err)
		}
		a = x.App
	case invoicing.Name:
		x, err := invoicing.New(ctx, cfg, opts)
		if err != nil {
			t.Fatalf("start %s: %v", name, err)
		}
		a = x.App
	case fraud.Name:
		x, err := fraud.New(ctx, cfg, opts)
		if err != nil {
			t.Fatalf("start %s: %v", name, err)
		}
		a = x.App
	default:
		t.Fatalf("unknown service %s", name)
	}
	t.Cleanup(a.Close)
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(srv.Close) // runs before a.Close: no request outlives the store
	return &contractService{name: name, echo: a.Echo, url: srv.URL}
}

// startContractStack starts inventory-svc, invoicing-svc and fraud-svc, then
// order-svc pointing at them.
func startContractStack(t *testing.T) map[string]*contractService {
	t.Helper()
	inv := startContractService(t, inventory.Name, nil)
	bill := startContractService(t, invoicing.Name, nil)
	check := startContractService(t, fraud.Name, nil)
	ord := startContractService(t, orders.Name, map[string]string{"INVENTORY_URL": inv.url, "INVOICING_URL": bill.url, "FRAUD_URL": check.url})
	return map[string]*contractService{orders.Name: ord, inventory.Name: inv, invoicing.Name: bill, fraud.Name: check}
}

var echoParam = regexp.MustCompile(`:([A-Za-z_][A-Za-z0-9_]*)`)

// TestOpenAPIRoutes: every route echo serves is in the spec with that method
// and the right tag, and every operation in the spec is served by its service.
func TestOpenAPIRoutes(t *testing.T) {
	doc, _ := loadContract(t)
	svcs := startContractStack(t)

	type key struct{ method, path string }
	served := map[key][]string{} // → services serving it
	for name, s := range svcs {
		for _, r := range s.echo.Routes() {
			p := echoParam.ReplaceAllString(r.Path, "{$1}")
			k := key{r.Method, p}
			served[k] = append(served[k], name)
			item := doc.Paths.Value(p)
			if item == nil {
				t.Errorf("%s serves %s %s, which is not in the spec", name, r.Method, p)
				continue
			}
			op := item.GetOperation(r.Method)
			if op == nil {
				t.Errorf("%s serves %s %s, but the spec has no %s operation on that path", name, r.Method, p, r.Method)
				continue
			}
			if !slices.Contains(op.Tags, name) && !slices.Contains(op.Tags, "platform") {
				t.Errorf("%s %s (served by %s) is tagged %v", r.Method, p, name, op.Tags)
			}
		}
	}
	ops := 0
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			ops++
			if op.OperationID == "" {
				t.Errorf("%s %s has no operationId", method, path)
			}
			want := []string{}
			for _, tag := range op.Tags {
				if tag == "platform" {
					want = append(want, orders.Name, inventory.Name, invoicing.Name, fraud.Name)
				} else if _, ok := svcs[tag]; ok {
					want = append(want, tag)
				}
			}
			if len(want) == 0 {
				t.Errorf("%s %s is tagged %v: no service tag", method, path, op.Tags)
			}
			got := slices.Clone(served[key{method, path}])
			sort.Strings(got)
			sort.Strings(want)
			if !slices.Equal(got, want) {
				t.Errorf("spec %s %s (tags %v) is served by %v, want %v", method, path, op.Tags, got, want)
			}
		}
	}
	if ops != 29 {
		t.Errorf("spec has %d operations; the services register 29 (update this count with the routes)", ops)
	}
}

// contractCase is one real request and what the spec and the service must say.
type contractCase struct {
	name    string
	svc     string
	method  string
	path    func() string
	body    func() string // nil: no body
	ctype   string        // default application/json when there is a body
	want    int
	invalid bool // the spec itself rejects the request (request validation must fail)
	check   func(t *testing.T, res *http.Response, body []byte)
}

func contractPath(p string) func() string { return func() string { return p } }
func contractBody(b string) func() string { return func() string { return b } }

// contractOrderBody builds a POST /orders body.
func contractOrderBody(customer string, lines ...string) func() string {
	return contractBody(fmt.Sprintf(`{"customer_id":%q,"items":[%s]}`, customer, strings.Join(lines, ",")))
}

func contractLine(sku string, qty int) string { return fmt.Sprintf(`{"sku":%q,"qty":%d}`, sku, qty) }

// contractJSON decodes body into a map.
func contractJSON(t *testing.T, body []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("body %q: %v", body, err)
	}
	return m
}

func contractFields(m map[string]any) []string {
	var out []string
	errs, _ := m["errors"].([]any)
	for _, e := range errs {
		if fe, ok := e.(map[string]any); ok {
			out = append(out, fmt.Sprint(fe["field"]))
		}
	}
	return out
}

// TestOpenAPIContract sends real requests to the three services and checks
// every request and response against docs/openapi.yaml.
func TestOpenAPIContract(t *testing.T) {
	_, router := loadContract(t)
	svcs := startContractStack(t)
	// A second order-svc whose invoicing-svc is down: the 503 path (and
	// readiness failing) in sync mode.
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close()
	svcs["order-svc (invoicing down)"] = startContractService(t, orders.Name, map[string]string{
		"INVENTORY_URL": svcs[inventory.Name].url, "INVOICING_URL": gone.URL, "HTTP_CLIENT_TIMEOUT": "5s",
	})

	// State carried between the cases (they run in order).
	var orderID, reservationID, invoiceID string
	resOrder := "5b3e1a2c-7d4f-4a6b-9c8d-0e1f2a3b4c5d"
	invOrder := "6c4f2b3d-8e5a-4b7c-8d9e-1f2a3b4c5d6e"
	const unknownID = "00000000-0000-4000-8000-000000000000"
	padded := func() string {
		// A valid order padded with whitespace past 64 KiB: the spec cannot see
		// the size, the service answers 400.
		return `{"customer_id":"c","items":[{"sku":"SKU-001","qty":1}]` + strings.Repeat(" ", 64<<10) + `}`
	}

	cases := []contractCase{
		// ---------------------------------------------------------- order-svc
		{name: "place order: confirmed", svc: orders.Name, method: "POST", path: contractPath("/orders"),
			body: contractOrderBody("cust-42", contractLine("SKU-001", 2), contractLine("SKU-003", 1)), want: 201,
			check: func(t *testing.T, res *http.Response, body []byte) {
				m := contractJSON(t, body)
				orderID, _ = m["id"].(string)
				if m["status"] != "CONFIRMED" || m["final"] != true || m["total_cents"] != float64(2*1890+1250) || res.Header.Get("Location") != "/orders/"+orderID {
					t.Fatalf("confirmed order = %s, Location %q", body, res.Header.Get("Location"))
				}
			}},
		{name: "get order", svc: orders.Name, method: "GET", path: func() string { return "/orders/" + orderID }, want: 200,
			check: func(t *testing.T, _ *http.Response, body []byte) {
				if m := contractJSON(t, body); m["id"] != orderID || m["status"] != "CONFIRMED" {
					t.Fatalf("order = %s", body)
				}
			}},
		{name: "list orders", svc: orders.Name, method: "GET", path: contractPath("/orders?limit=5"), want: 200},
		{name: "list orders: limit 0", svc: orders.Name, method: "GET", path: contractPath("/orders?limit=0"), want: 400, invalid: true},
		{name: "list orders: limit 501", svc: orders.Name, method: "GET", path: contractPath("/orders?limit=501"), want: 400, invalid: true},
		{name: "place order: out of stock", svc: orders.Name, method: "POST", path: contractPath("/orders"),
			body: contractOrderBody("cust-42", contractLine("SKU-005", 5)), want: 409,
			check: func(t *testing.T, res *http.Response, body []byte) {
				m := contractJSON(t, body)
				if m["type"] != problem.TypeBase+"out-of-stock" || m["order_status"] != "REJECTED" || m["order_id"] == nil || res.Header.Get("Location") != "/orders/"+fmt.Sprint(m["order_id"]) {
					t.Fatalf("409 = %s", body)
				}
			}},
		{name: "place order: unknown field", svc: orders.Name, method: "POST", path: contractPath("/orders"),
			body: contractBody(`{"customer_id":"c","items":[{"sku":"SKU-001","qty":1}],"coupon":"FREE"}`), want: 400, invalid: true,
			check: func(t *testing.T, _ *http.Response, body []byte) {
				if f := contractFields(contractJSON(t, body)); !slices.Equal(f, []string{"coupon"}) {
					t.Fatalf("fields = %v, want [coupon]", f)
				}
			}},
		{name: "place order: empty items", svc: orders.Name, method: "POST", path: contractPath("/orders"),
			body: contractOrderBody("c"), want: 400, invalid: true,
			check: func(t *testing.T, _ *http.Response, body []byte) {
				if f := contractFields(contractJSON(t, body)); !slices.Equal(f, []string{"items"}) {
					t.Fatalf("fields = %v, want [items]", f)
				}
			}},
		{name: "place order: qty 0", svc: orders.Name, method: "POST", path: contractPath("/orders"),
			body: contractOrderBody("c", contractLine("SKU-001", 0)), want: 400, invalid: true},
		{name: "place order: qty 1001", svc: orders.Name, method: "POST", path: contractPath("/orders"),
			body: contractOrderBody("c", contractLine("SKU-001", 1001)), want: 400, invalid: true,
			check: func(t *testing.T, _ *http.Response, body []byte) {
				if f := contractFields(contractJSON(t, body)); !slices.Equal(f, []string{"items[0].qty"}) {
					t.Fatalf("fields = %v, want [items[0].qty]", f)
				}
			}},
		{name: "place order: malformed SKU", svc: orders.Name, method: "POST", path: contractPath("/orders"),
			body: contractOrderBody("c", contractLine("sku_1", 1)), want: 400, invalid: true},
		{name: "place order: blank customer", svc: orders.Name, method: "POST", path: contractPath("/orders"),
			body: contractOrderBody("  ", contractLine("SKU-001", 1)), want: 400, invalid: true},
		{name: "place order: body over 64 KiB", svc: orders.Name, method: "POST", path: contractPath("/orders"),
			body: padded, want: 400,
			check: func(t *testing.T, _ *http.Response, body []byte) {
				if f := contractFields(contractJSON(t, body)); !slices.Equal(f, []string{"body"}) || !strings.Contains(string(body), "65536") {
					t.Fatalf("too large = %s", body)
				}
			}},
		{name: "place order: wrong content type", svc: orders.Name, method: "POST", path: contractPath("/orders"),
			body: contractOrderBody("c", contractLine("SKU-001", 1)), ctype: "text/plain", want: 415, invalid: true},
		{name: "get order: unknown", svc: orders.Name, method: "GET", path: contractPath("/orders/" + unknownID), want: 404},
		{name: "get order: bad uuid", svc: orders.Name, method: "GET", path: contractPath("/orders/not-a-uuid"), want: 400, invalid: true},
		{name: "cancel order: unknown", svc: orders.Name, method: "POST", path: contractPath("/orders/" + unknownID + "/cancel"), want: 404},
		{name: "list orders: first page", svc: orders.Name, method: "GET", path: contractPath("/orders?after=&limit=5"), want: 200},
		{name: "place order: invoicing down", svc: "order-svc (invoicing down)", method: "POST", path: contractPath("/orders"),
			body: contractOrderBody("c", contractLine("SKU-002", 1)), want: 503,
			check: func(t *testing.T, res *http.Response, body []byte) {
				m := contractJSON(t, body)
				if m["type"] != problem.TypeBase+"dependency-failed" || m["order_status"] != "FAILED" || res.Header.Get("Retry-After") == "" || !strings.Contains(fmt.Sprint(m["detail"]), "released") {
					t.Fatalf("503 = %s (Retry-After %q)", body, res.Header.Get("Retry-After"))
				}
			}},
		{name: "readyz: invoicing down", svc: "order-svc (invoicing down)", method: "GET", path: contractPath("/readyz"), want: 503},

		// ------------------------------------------------------ inventory-svc
		{name: "list stock", svc: inventory.Name, method: "GET", path: contractPath("/stock"), want: 200},
		{name: "get stock", svc: inventory.Name, method: "GET", path: contractPath("/stock/SKU-001"), want: 200,
			check: func(t *testing.T, _ *http.Response, body []byte) {
				if m := contractJSON(t, body); m["sku"] != "SKU-001" || m["available"] != m["on_hand"].(float64)-m["reserved"].(float64) {
					t.Fatalf("stock = %s", body)
				}
			}},
		{name: "get stock: not stocked", svc: inventory.Name, method: "GET", path: contractPath("/stock/SKU-999"), want: 404},
		{name: "get stock: malformed SKU", svc: inventory.Name, method: "GET", path: contractPath("/stock/sku_1"), want: 400, invalid: true},
		{name: "reserve", svc: inventory.Name, method: "POST", path: contractPath("/reservations"),
			body: contractBody(`{"order_id":"` + resOrder + `","items":[{"sku":"SKU-004","qty":2}]}`), want: 201,
			check: func(t *testing.T, res *http.Response, body []byte) {
				m := contractJSON(t, body)
				reservationID, _ = m["reservation_id"].(string)
				if m["status"] != "RESERVED" || res.Header.Get("Location") != "/reservations/"+reservationID {
					t.Fatalf("reservation = %s", body)
				}
			}},
		{name: "reserve again: same reservation", svc: inventory.Name, method: "POST", path: contractPath("/reservations"),
			body: contractBody(`{"order_id":"` + resOrder + `","items":[{"sku":"SKU-004","qty":2}]}`), want: 200,
			check: func(t *testing.T, _ *http.Response, body []byte) {
				if m := contractJSON(t, body); m["reservation_id"] != reservationID {
					t.Fatalf("repeat = %s, want reservation %s", body, reservationID)
				}
			}},
		{name: "reserve: sold out", svc: inventory.Name, method: "POST", path: contractPath("/reservations"),
			body: contractBody(`{"order_id":"7d5a3c4e-9f6b-4c8d-9e0f-2a3b4c5d6e7f","items":[{"sku":"SKU-404","qty":1}]}`), want: 409,
			check: func(t *testing.T, _ *http.Response, body []byte) {
				if m := contractJSON(t, body); m["sku"] != "SKU-404" || m["available"] != float64(0) || m["requested"] != float64(1) {
					t.Fatalf("409 = %s", body)
				}
			}},
		{name: "reserve: order_id not a uuid", svc: inventory.Name, method: "POST", path: contractPath("/reservations"),
			body: contractBody(`{"order_id":"42","items":[{"sku":"SKU-001","qty":1}]}`), want: 400, invalid: true},
		{name: "reserve: unknown field", svc: inventory.Name, method: "POST", path: contractPath("/reservations"),
			body: contractBody(`{"order_id":"` + resOrder + `","items":[{"sku":"SKU-001","qty":1}],"priority":1}`), want: 400, invalid: true},
		{name: "get reservation", svc: inventory.Name, method: "GET", path: func() string { return "/reservations/" + reservationID }, want: 200},
		{name: "release", svc: inventory.Name, method: "POST", path: func() string { return "/reservations/" + reservationID + "/release" }, want: 200,
			check: func(t *testing.T, _ *http.Response, body []byte) {
				if m := contractJSON(t, body); m["status"] != "RELEASED" || m["released_at"] == nil {
					t.Fatalf("released = %s", body)
				}
			}},
		{name: "release again", svc: inventory.Name, method: "POST", path: func() string { return "/reservations/" + reservationID + "/release" }, want: 200},
		{name: "release: unknown", svc: inventory.Name, method: "POST", path: contractPath("/reservations/" + unknownID + "/release"), want: 404},
		{name: "release: bad uuid", svc: inventory.Name, method: "POST", path: contractPath("/reservations/xyz/release"), want: 400, invalid: true},
		{name: "get reservation: unknown", svc: inventory.Name, method: "GET", path: contractPath("/reservations/" + unknownID), want: 404},

		// ------------------------------------------------------ invoicing-svc
		{name: "issue invoice", svc: invoicing.Name, method: "POST", path: contractPath("/invoices"),
			body: contractBody(`{"order_id":"` + invOrder + `","customer_id":"cust-42","items":[{"sku":"SKU-002","qty":3}]}`), want: 201,
			check: func(t *testing.T, res *http.Response, body []byte) {
				m := contractJSON(t, body)
				invoiceID, _ = m["invoice_id"].(string)
				if m["total_cents"] != float64(3*4900) || m["currency"] != "EUR" || res.Header.Get("Location") != "/invoices/"+invoiceID {
					t.Fatalf("invoice = %s", body)
				}
			}},
		{name: "issue invoice again", svc: invoicing.Name, method: "POST", path: contractPath("/invoices"),
			body: contractBody(`{"order_id":"` + invOrder + `","customer_id":"cust-42","items":[{"sku":"SKU-002","qty":3}]}`), want: 200},
		{name: "issue invoice: no price", svc: invoicing.Name, method: "POST", path: contractPath("/invoices"),
			body: contractBody(`{"order_id":"8e6b4d5f-0a7c-4d9e-8f10-3b4c5d6e7f80","customer_id":"c","items":[{"sku":"SKU-999","qty":1}]}`), want: 422},
		{name: "issue invoice: missing customer", svc: invoicing.Name, method: "POST", path: contractPath("/invoices"),
			body: contractBody(`{"order_id":"` + invOrder + `","items":[{"sku":"SKU-002","qty":3}]}`), want: 400, invalid: true},
		{name: "issue invoice: wrong content type", svc: invoicing.Name, method: "POST", path: contractPath("/invoices"),
			body: contractBody(`order_id=1`), ctype: "application/x-www-form-urlencoded", want: 415, invalid: true},
		{name: "find invoice by order", svc: invoicing.Name, method: "GET", path: contractPath("/invoices?order_id=" + invOrder), want: 200,
			check: func(t *testing.T, _ *http.Response, body []byte) {
				if m := contractJSON(t, body); m["count"] != float64(1) {
					t.Fatalf("by order = %s", body)
				}
			}},
		{name: "find invoice: bad order_id", svc: invoicing.Name, method: "GET", path: contractPath("/invoices?order_id=nope"), want: 400, invalid: true},
		{name: "list invoices", svc: invoicing.Name, method: "GET", path: contractPath("/invoices?limit=10"), want: 200},
		{name: "invoice totals", svc: invoicing.Name, method: "GET", path: contractPath("/invoices/totals"), want: 200},
		{name: "get invoice", svc: invoicing.Name, method: "GET", path: func() string { return "/invoices/" + invoiceID }, want: 200},
		{name: "get invoice: unknown", svc: invoicing.Name, method: "GET", path: contractPath("/invoices/" + unknownID), want: 404},
	}
	// The platform routes of every service.
	for _, name := range []string{orders.Name, inventory.Name, invoicing.Name} {
		for _, p := range []string{"/healthz", "/readyz", "/metrics", "/admin/knobs"} {
			cases = append(cases, contractCase{name: name + " " + p, svc: name, method: "GET", path: contractPath(p), want: 200})
		}
	}

	client := &http.Client{Timeout: 30 * time.Second}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			contractRun(t, client, router, svcs[tc.svc], tc)
		})
	}

	// Outside the spec: the router finds nothing, the service answers a problem.
	for _, tc := range []struct{ method, path string }{{"GET", "/nope"}, {"PUT", "/orders"}, {"PATCH", "/orders/" + unknownID}} {
		req, _ := http.NewRequest(tc.method, "http://spec"+tc.path, nil)
		if _, _, err := router.FindRoute(req); err == nil {
			t.Errorf("%s %s: the spec has a route for it", tc.method, tc.path)
		}
		req, _ = http.NewRequest(tc.method, svcs[orders.Name].url+tc.path, nil)
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if (res.StatusCode != 404 && res.StatusCode != 405) || res.Header.Get("Content-Type") != problem.ContentType {
			t.Errorf("%s %s = %d %q, want a 404/405 problem", tc.method, tc.path, res.StatusCode, res.Header.Get("Content-Type"))
		}
	}
}

func contractRun(t *testing.T, client *http.Client, router routers.Router, svc *contractService, tc contractCase) {
	path := tc.path()
	var body []byte
	if tc.body != nil {
		body = []byte(tc.body())
	}
	newReq := func(base string) *http.Request {
		var rd io.Reader
		if body != nil {
			rd = bytes.NewReader(body)
		}
		req, err := http.NewRequest(tc.method, base+path, rd)
		if err != nil {
			t.Fatal(err)
		}
		if body != nil {
			ct := tc.ctype
			if ct == "" {
				ct = "application/json"
			}
			req.Header.Set("Content-Type", ct)
		}
		return req
	}

	// The request against the spec.
	specReq := newReq("http://spec")
	route, params, err := router.FindRoute(specReq)
	if err != nil {
		t.Fatalf("%s %s is not in the spec: %v", tc.method, path, err)
	}
	reqInput := &openapi3filter.RequestValidationInput{
		Request: specReq, PathParams: params, Route: route,
		Options: &openapi3filter.Options{MultiError: true},
	}
	reqErr := openapi3filter.ValidateRequest(context.Background(), reqInput)
	switch {
	case tc.invalid && reqErr == nil:
		t.Errorf("the spec accepts the request, but the service must reject it (%d): tighten the spec", tc.want)
	case !tc.invalid && reqErr != nil:
		t.Errorf("the spec rejects the request: %s", contractErr(reqErr))
	}

	// The real request.
	res, err := client.Do(newReq(svc.url))
	if err != nil {
		t.Fatalf("%s %s: %v", tc.method, path, err)
	}
	resBody, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != tc.want {
		t.Fatalf("%s %s = %d, want %d: %s", tc.method, path, res.StatusCode, tc.want, resBody)
	}
	if route.Operation.Responses.Status(res.StatusCode) == nil {
		t.Errorf("status %d is not documented for %s %s", res.StatusCode, tc.method, route.Path)
	}
	ct := res.Header.Get("Content-Type")
	if res.StatusCode >= 400 && route.Path != "/readyz" {
		if mt, _, _ := mime.ParseMediaType(ct); mt != problem.ContentType {
			t.Errorf("error response Content-Type = %q, want %s", ct, problem.ContentType)
		}
		m := contractJSON(t, resBody)
		if m["status"] != float64(res.StatusCode) || !strings.HasPrefix(fmt.Sprint(m["type"]), problem.TypeBase) {
			t.Errorf("problem = %s", resBody)
		}
		if res.StatusCode == 400 && len(contractFields(m)) == 0 {
			t.Errorf("validation problem names no field: %s", resBody)
		}
	}

	// The response against the spec.
	if err := openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: reqInput,
		Status:                 res.StatusCode,
		Header:                 res.Header,
		Body:                   io.NopCloser(bytes.NewReader(resBody)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}); err != nil {
		t.Errorf("the response does not match the spec: %s\nbody: %s", contractErr(err), contractTrim(resBody))
	}
	if tc.check != nil {
		tc.check(t, res, resBody)
	}
}

func contractTrim(b []byte) string {
	if len(b) > 600 {
		return string(b[:600]) + "…"
	}
	return string(b)
}

// contractErr shortens kin-openapi errors: their text ends with the whole
// schema and value, which buries the reason.
func contractErr(err error) string {
	var lines []string
	for _, l := range strings.Split(err.Error(), "\n") {
		if l == "Schema:" || l == "Value:" {
			break
		}
		lines = append(lines, l)
	}
	return strings.Join(lines, "\n")
}
