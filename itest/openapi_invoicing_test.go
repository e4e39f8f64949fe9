package itest

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/platform/problem"

	invoicing "github.com/orderflow/invoicing-svc/app"
)

// TestOpenAPIInvoicingSaga checks the credit, decline, void and ledger-page
// operations against docs/openapi.yaml like TestOpenAPIContract: every
// request against the spec (and whether the spec refuses what the service
// refuses), every answer against its documented status and schema. Sync mode,
// then the writes events mode refuses.
func TestOpenAPIInvoicingSaga(t *testing.T) {
	_, router := loadContract(t)
	svc := startContractService(t, invoicing.Name, nil)
	fields := func(want ...string) func(t *testing.T, _ *http.Response, body []byte) {
		return func(t *testing.T, _ *http.Response, body []byte) {
			if f := contractFields(contractJSON(t, body)); !slices.Equal(f, want) {
				t.Fatalf("fields = %v, want %v", f, want)
			}
		}
	}
	kind := func(want string) func(t *testing.T, _ *http.Response, body []byte) {
		return func(t *testing.T, _ *http.Response, body []byte) {
			if m := contractJSON(t, body); m["type"] != problem.TypeBase+want {
				t.Fatalf("problem = %s, want type %s", body, want)
			}
		}
	}
	const (
		paid     = "1a2b3c4d-0000-4000-8000-000000000001"
		declined = "1a2b3c4d-0000-4000-8000-000000000002"
		unknown  = "00000000-0000-4000-8000-000000000000"
	)
	var invoiceID, declinedID, next string
	order := func(id, customer string, qty int) func() string {
		return contractBody(`{"order_id":"` + id + `","customer_id":"` + customer + `","items":[{"sku":"SKU-002","qty":` + strconv.Itoa(qty) + `}]}`)
	}
	cases := []contractCase{
		{name: "credit of a seeded customer", method: "GET", path: contractPath("/customers/cust-thrifty/credit"), want: 200,
			check: func(t *testing.T, _ *http.Response, body []byte) {
				if m := contractJSON(t, body); m["limit_cents"] != 10000.0 || m["remaining_cents"] != 10000.0 {
					t.Fatalf("credit = %s", body)
				}
			}},
		{name: "credit of any customer", method: "GET", path: contractPath("/customers/walk-in%20customer/credit"), want: 200},
		{name: "credit: customer id too long", method: "GET", path: contractPath("/customers/" + strings.Repeat("c", 65) + "/credit"), want: 400, invalid: true},
		{name: "charge within the credit", method: "POST", path: contractPath("/invoices"), body: order(paid, "cust-thrifty", 2), want: 201,
			check: func(t *testing.T, _ *http.Response, body []byte) {
				m := contractJSON(t, body)
				invoiceID, _ = m["invoice_id"].(string)
				if m["status"] != "ISSUED" {
					t.Fatalf("invoice = %s", body)
				}
			}},
		{name: "charge over the credit", method: "POST", path: contractPath("/invoices"), body: order(declined, "cust-thrifty", 1), want: 402,
			check: func(t *testing.T, _ *http.Response, body []byte) {
				m := contractJSON(t, body)
				declinedID, _ = m["invoice_id"].(string)
				if m["type"] != problem.TypeBase+"payment-declined" || m["amount_cents"] != 4900.0 || m["remaining_cents"] != 200.0 {
					t.Fatalf("402 = %s", body)
				}
			}},
		{name: "charge over the credit again", method: "POST", path: contractPath("/invoices"), body: order(declined, "cust-thrifty", 1), want: 402},
		{name: "set a limit", method: "PUT", path: contractPath("/customers/cust-thrifty/credit-limit"), body: contractBody(`{"limit_cents":20000}`), want: 200,
			check: func(t *testing.T, _ *http.Response, body []byte) {
				if m := contractJSON(t, body); m["charged_cents"] != 9800.0 || m["remaining_cents"] != 10200.0 {
					t.Fatalf("credit = %s", body)
				}
			}},
		{name: "set the same limit", method: "PUT", path: contractPath("/customers/cust-thrifty/credit-limit"), body: contractBody(`{"limit_cents":20000}`), want: 200},
		{name: "limit negative", method: "PUT", path: contractPath("/customers/cust-thrifty/credit-limit"), body: contractBody(`{"limit_cents":-1}`), want: 400, invalid: true, check: fields("limit_cents")},
		{name: "limit over 10^12", method: "PUT", path: contractPath("/customers/cust-thrifty/credit-limit"), body: contractBody(`{"limit_cents":1000000000001}`), want: 400, invalid: true, check: fields("limit_cents")},
		{name: "limit missing", method: "PUT", path: contractPath("/customers/cust-thrifty/credit-limit"), body: contractBody(`{}`), want: 400, invalid: true, check: fields("limit_cents")},
		{name: "limit: unknown member", method: "PUT", path: contractPath("/customers/cust-thrifty/credit-limit"), body: contractBody(`{"limit_cents":1,"currency":"EUR"}`), want: 400, invalid: true, check: fields("currency")},
		{name: "limit: wrong content type", method: "PUT", path: contractPath("/customers/cust-thrifty/credit-limit"), body: contractBody(`limit_cents=1`), ctype: "text/plain", want: 415, invalid: true},
		{name: "void", method: "POST", path: func() string { return "/invoices/" + invoiceID + "/void" }, want: 200,
			check: func(t *testing.T, _ *http.Response, body []byte) {
				if m := contractJSON(t, body); m["status"] != "VOIDED" || m["reason"] != "customer" || m["voided_at"] == nil {
					t.Fatalf("voided = %s", body)
				}
			}},
		{name: "void again, with a reason", method: "POST", path: func() string { return "/invoices/" + invoiceID + "/void" }, body: contractBody(`{"reason":"deadline"}`), want: 200},
		{name: "void: bad reason", method: "POST", path: func() string { return "/invoices/" + invoiceID + "/void" }, body: contractBody(`{"reason":"bored"}`), want: 400, invalid: true, check: fields("reason")},
		{name: "void a declined invoice", method: "POST", path: func() string { return "/invoices/" + declinedID + "/void" }, want: 409, check: kind("invoice-declined")},
		{name: "void: unknown", method: "POST", path: contractPath("/invoices/" + unknown + "/void"), want: 404},
		{name: "void: bad uuid", method: "POST", path: contractPath("/invoices/nope/void"), want: 400, invalid: true},
		{name: "charge a voided order", method: "POST", path: contractPath("/invoices"), body: order(paid, "cust-thrifty", 2), want: 409, check: kind("invoice-voided")},
		{name: "ledger page", method: "GET", path: contractPath("/invoices?limit=1"), want: 200,
			check: func(t *testing.T, _ *http.Response, body []byte) {
				m := contractJSON(t, body)
				next, _ = m["next_after"].(string)
				if m["count"] != 1.0 || next == "" {
					t.Fatalf("page = %s", body)
				}
			}},
		{name: "ledger next page", method: "GET", path: func() string { return "/invoices?limit=1&after=" + next }, want: 200,
			check: func(t *testing.T, _ *http.Response, body []byte) {
				if m := contractJSON(t, body); m["count"] != 1.0 || m["next_after"] != nil {
					t.Fatalf("last page = %s", body)
				}
			}},
		{name: "ledger by status", method: "GET", path: contractPath("/invoices?status=VOIDED&order_id=" + paid), want: 200},
		{name: "ledger: unknown status", method: "GET", path: contractPath("/invoices?status=PAID"), want: 400, invalid: true},
		{name: "ledger: unknown cursor", method: "GET", path: contractPath("/invoices?after=" + unknown), want: 404, check: kind("not-found")},
		{name: "ledger: cursor not a uuid", method: "GET", path: contractPath("/invoices?after=7"), want: 400, invalid: true},
	}
	client := &http.Client{Timeout: 30 * time.Second}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			contractRun(t, client, router, svc, tc)
		})
	}

	events := startContractService(t, invoicing.Name, map[string]string{"MODE": "events", "KAFKA_BROKERS": "127.0.0.1:1"})
	for _, tc := range []contractCase{
		{name: "events mode: charge", method: "POST", path: contractPath("/invoices"), body: order(paid, "cust-ada", 1), want: 409, check: kind("wrong-mode")},
		{name: "events mode: void", method: "POST", path: contractPath("/invoices/" + unknown + "/void"), want: 409, check: kind("wrong-mode")},
		{name: "events mode: set a limit", method: "PUT", path: contractPath("/customers/cust-ada/credit-limit"), body: contractBody(`{"limit_cents":0}`), want: 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			contractRun(t, client, router, events, tc)
		})
	}
}
