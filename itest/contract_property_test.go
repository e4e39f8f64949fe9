package itest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"mime"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/orderflow/platform/problem"

	inventory "github.com/orderflow/inventory-svc/app"
	invoicing "github.com/orderflow/invoicing-svc/app"
	orders "github.com/orderflow/order-svc/app"
)

// propRequest is one generated request and what it must get.
type propRequest struct {
	svc, method, path string // path with the query
	ctype             string
	body              any // nil: none
	rawBody           []byte
	invalid           string // the mutation; "" for a valid request
	field             string // the field at fault of an invalid request
}

func (r propRequest) String() string {
	b := r.rawBody
	if b == nil && r.body != nil {
		b, _ = json.Marshal(r.body)
	}
	return fmt.Sprintf("%s %s %s", r.method, r.path, contractTrim(b))
}

// propOp is one operation of a service in the spec.
type propOp struct {
	svc, method, path string
	op                *openapi3.Operation
	params            openapi3.Parameters // the path item's and the operation's
}

// TestOpenAPIContractProperties sends requests generated from
// docs/openapi.yaml to the three services (sync mode, in-process): for each
// operation a valid request built from the schemas, and mutations of it that
// the spec forbids — a missing required member, a wrong type, a value out of
// range, an extra member, a duplicate where the spec asks for distinct
// values (x-unique-by), an unknown or out-of-range query parameter, a
// malformed path parameter, a body that is not JSON. Every answer's status
// must be listed for the operation and its media type, headers and body
// must match the spec; a valid request must not be refused (400/415) and
// an invalid one must be (400/415, naming the field at fault) and change no
// state (GET /orders, /stock and /invoices before and after).
// CONTRACT_SEED replays a run; CONTRACT_ROUNDS runs longer.
func TestOpenAPIContractProperties(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("CONTRACT_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("CONTRACT_SEED=%q: %v", s, err)
		}
		seed = n
	}
	rounds := 3
	if s := os.Getenv("CONTRACT_ROUNDS"); s != "" {
		rounds, _ = strconv.Atoi(s)
	}
	t.Logf("seed %d (replay with CONTRACT_SEED=%d), %d rounds", seed, seed, rounds)

	doc, router := loadContract(t)
	svcs := startContractStack(t)
	client := &http.Client{Timeout: 30 * time.Second}
	g := &specGen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), pools: map[string][]string{}}

	var stockList struct {
		Items []struct{ SKU string } `json:"items"`
	}
	_, b := propSend(t, client, svcs[inventory.Name].url, propRequest{method: "GET", path: "/stock"})
	if err := json.Unmarshal(b, &stockList); err != nil || len(stockList.Items) == 0 {
		t.Fatalf("GET /stock = %s (%v)", b, err)
	}
	for _, it := range stockList.Items {
		g.skus = append(g.skus, it.SKU)
	}

	var ops []propOp
	for _, path := range sortedKeys(doc.Paths.Map()) {
		item := doc.Paths.Value(path)
		for _, method := range sortedKeys(item.Operations()) {
			op := item.GetOperation(method)
			for _, tag := range op.Tags {
				if _, ok := svcs[tag]; ok {
					params := append(slices.Clone(item.Parameters), op.Parameters...)
					ops = append(ops, propOp{svc: tag, method: method, path: path, op: op, params: params})
				}
			}
		}
	}

	failures, skipped := 0, 0
	statuses := map[string]map[int]int{"valid": {}, "invalid": {}}
	fail := func(req propRequest, format string, args ...any) {
		failures++
		t.Errorf("%s [%s]: %s", req, req.svc, fmt.Sprintf(format, args...))
	}
	for round := range rounds {
		g.r.Shuffle(len(ops), func(i, j int) { ops[i], ops[j] = ops[j], ops[i] })
		for _, o := range ops {
			valid := g.request(o)
			status, body := propCheck(t, client, router, svcs[o.svc].url, valid, fail)
			statuses["valid"][status]++
			if status < 300 {
				g.harvest(o.path, body)
			}
			for _, bad := range g.invalidRequests(o, valid) {
				if !propSpecRejects(router, bad) && !strings.HasPrefix(bad.invalid, "unknown query") {
					skipped++ // the mutation happened to stay valid
					continue
				}
				before := propSnapshot(t, client, svcs)
				status, _ := propCheck(t, client, router, svcs[o.svc].url, bad, fail)
				statuses["invalid"][status]++
				if after := propSnapshot(t, client, svcs); after != before {
					fail(bad, "an invalid request (%s) changed the state", bad.invalid)
				}
			}
		}
		if failures > 0 {
			t.Fatalf("round %d: %d mismatches between the spec and the services (seed %d)", round, failures, seed)
		}
	}
	t.Logf("%d operations; answers by status: valid requests %v, invalid requests %v; %d mutations stayed valid and were not sent",
		len(ops), statuses["valid"], statuses["invalid"], skipped)
}

// request builds a valid request for o.
func (g *specGen) request(o propOp) propRequest {
	req := propRequest{svc: o.svc, method: strings.ToUpper(o.method)}
	path, q := o.path, url.Values{}
	for _, pr := range o.params {
		p := pr.Value
		switch p.In {
		case "path":
			name := p.Name
			if name == "id" {
				name = strings.TrimSuffix(strings.Split(strings.TrimPrefix(o.path, "/"), "/")[0], "s") + "_id"
			}
			path = strings.ReplaceAll(path, "{"+p.Name+"}", fmt.Sprint(g.value(p.Schema.Value, name)))
		case "query":
			if p.Required || g.r.IntN(2) == 0 {
				q.Set(p.Name, fmt.Sprint(g.value(p.Schema.Value, p.Name)))
			}
		}
	}
	req.path = path
	if len(q) > 0 {
		req.path += "?" + q.Encode()
	}
	if rb := o.op.RequestBody; rb != nil {
		req.ctype = "application/json"
		req.body = g.value(rb.Value.Content.Get("application/json").Schema.Value, "")
	}
	return req
}

// invalidRequests mutates a valid request in each way the spec forbids.
func (g *specGen) invalidRequests(o propOp, valid propRequest) []propRequest {
	var out []propRequest
	with := func(kind, field string, f func(*propRequest)) {
		r := valid
		r.invalid, r.field = kind, field
		f(&r)
		out = append(out, r)
	}
	sep := "?"
	if strings.Contains(valid.path, "?") {
		sep = "&"
	}
	with("unknown query parameter", "x_unknown", func(r *propRequest) { r.path += sep + "x_unknown=1" })
	for _, pr := range o.params {
		p := pr.Value
		v, ok := g.outOfRange(p.Schema.Value, nil)
		if !ok {
			continue
		}
		switch p.In {
		case "query":
			with("query parameter out of range", p.Name, func(r *propRequest) { r.path += sep + p.Name + "=" + url.QueryEscape(fmt.Sprint(v)) })
		case "path":
			with("malformed path parameter", p.Name, func(r *propRequest) {
				segs := strings.Split(strings.Split(valid.path, "?")[0], "/")
				segs[slices.Index(strings.Split(o.path, "/"), "{"+p.Name+"}")] = url.PathEscape("not valid!")
				r.path = strings.Join(segs, "/")
			})
		}
	}
	if rb := o.op.RequestBody; rb != nil {
		for _, m := range g.bodyMutations(valid.body, rb.Value.Content.Get("application/json").Schema.Value) {
			with(m.kind, m.field, func(r *propRequest) { r.body = m.body })
		}
		with("body not JSON", "", func(r *propRequest) { r.ctype, r.body, r.rawBody = "text/plain", nil, []byte("qty=1") })
	}
	return out
}

// harvest keeps the ids of an answer, for later lookups of existing resources.
func (g *specGen) harvest(path string, body []byte) {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return
	}
	top := strings.TrimSuffix(strings.Split(strings.TrimPrefix(path, "/"), "/")[0], "s") + "_id"
	var walk func(v any, depth int)
	walk = func(v any, depth int) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				s, ok := x.(string)
				switch {
				case ok && k == "id" && depth == 0 && uuidPattern.MatchString(s):
					g.pools[top] = append(g.pools[top], s)
				case ok && strings.HasSuffix(k, "_id") && uuidPattern.MatchString(s):
					g.pools[k] = append(g.pools[k], s)
				default:
					walk(x, depth+1)
				}
			}
		case []any:
			for _, x := range v {
				walk(x, depth)
			}
		}
	}
	walk(v, 0)
}

func propSend(t *testing.T, client *http.Client, base string, r propRequest) (*http.Response, []byte) {
	t.Helper()
	res, err := client.Do(propHTTP(t, base, r))
	if err != nil {
		t.Fatalf("%s: %v", r, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, b
}

func propHTTP(t *testing.T, base string, r propRequest) *http.Request {
	t.Helper()
	body := r.rawBody
	if body == nil && r.body != nil {
		body, _ = json.Marshal(r.body)
	}
	req, err := http.NewRequest(r.method, base+r.path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if r.ctype != "" {
		req.Header.Set("Content-Type", r.ctype)
	}
	return req
}

// propSpecRejects: the spec itself refuses r.
func propSpecRejects(router routers.Router, r propRequest) bool {
	req := propHTTP(&testing.T{}, "http://spec", r)
	route, params, err := router.FindRoute(req)
	if err != nil {
		return true
	}
	return openapi3filter.ValidateRequest(context.Background(), &openapi3filter.RequestValidationInput{
		Request: req, PathParams: params, Route: route, Options: &openapi3filter.Options{MultiError: true},
	}) != nil
}

// propCheck sends r and checks the answer against the spec and r's intent.
func propCheck(t *testing.T, client *http.Client, router routers.Router, base string, r propRequest, fail func(propRequest, string, ...any)) (int, []byte) {
	t.Helper()
	specReq := propHTTP(t, "http://spec", r)
	route, params, err := router.FindRoute(specReq)
	if err != nil {
		t.Fatalf("%s: not in the spec: %v", r, err)
	}
	res, body := propSend(t, client, base, r)
	code := res.StatusCode
	switch {
	case r.invalid == "" && (code == 400 || code == 415):
		fail(r, "the spec allows the request, the service refuses it: %d %s", code, contractTrim(body))
	case r.invalid == "" && code >= 500:
		fail(r, "a valid request failed: %d %s", code, contractTrim(body))
	case r.invalid != "" && code != 400 && code != 415:
		fail(r, "the spec forbids the request (%s), the service answers %d: %s", r.invalid, code, contractTrim(body))
	}
	if route.Operation.Responses.Status(code) == nil {
		fail(r, "status %d is not listed for %s %s", code, r.method, route.Path)
		return code, body
	}
	if code >= 400 {
		if mt, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type")); mt != problem.ContentType {
			fail(r, "error Content-Type %q, want %s", res.Header.Get("Content-Type"), problem.ContentType)
		}
	}
	if code == 400 && r.field != "" {
		fields := contractFields(contractJSON(t, body))
		// The member's path, or at least its name (encoding/json's unknown
		// field errors know no path).
		segs := strings.FieldsFunc(r.field, func(c rune) bool { return c == '.' || c == '[' })
		first, last := segs[0], segs[len(segs)-1]
		if !slices.ContainsFunc(fields, func(f string) bool { return strings.HasPrefix(f, first) || f == last }) {
			fail(r, "the problem names %v, not the field at fault %s: %s", fields, r.field, contractTrim(body))
		}
	}
	in := &openapi3filter.RequestValidationInput{Request: specReq, PathParams: params, Route: route,
		Options: &openapi3filter.Options{MultiError: true, ExcludeRequestBody: true, ExcludeRequestQueryParams: true}}
	if err := openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: code, Header: res.Header, Body: io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}); err != nil {
		fail(r, "the %d answer does not match the spec: %s\nbody: %s", code, contractErr(err), contractTrim(body))
	}
	return code, body
}

// propSnapshot is the state an invalid request must not change.
func propSnapshot(t *testing.T, client *http.Client, svcs map[string]*contractService) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []struct{ svc, path string }{
		{orders.Name, "/orders?limit=500"}, {inventory.Name, "/stock"}, {invoicing.Name, "/invoices?limit=500"},
	} {
		_, body := propSend(t, client, svcs[q.svc].url, propRequest{method: "GET", path: q.path})
		b.Write(body)
	}
	return b.String()
}
