package itest

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/platform/problem"

	inventory "github.com/orderflow/inventory-svc/app"
)

// TestOpenAPIStockMovements checks goods receipts and stock adjustments
// against docs/openapi.yaml like TestOpenAPIContract: every request against
// the spec (and whether the spec refuses what the service refuses), every
// answer against its documented status and schema.
func TestOpenAPIStockMovements(t *testing.T) {
	_, router := loadContract(t)
	svc := startContractService(t, inventory.Name, nil)
	long := strings.Repeat("x", 101)
	fields := func(want ...string) func(t *testing.T, _ *http.Response, body []byte) {
		return func(t *testing.T, _ *http.Response, body []byte) {
			if f := contractFields(contractJSON(t, body)); !slices.Equal(f, want) {
				t.Fatalf("fields = %v, want %v", f, want)
			}
		}
	}
	var receiptID string
	cases := []contractCase{
		{name: "receipt", method: "POST", path: contractPath("/stock/SKU-005/receipts"), body: contractBody(`{"quantity":40,"reference":"DN-1"}`), want: 201,
			check: func(t *testing.T, _ *http.Response, body []byte) {
				m := contractJSON(t, body)
				receiptID, _ = m["id"].(string)
				if st, _ := m["stock"].(map[string]any); m["on_hand_after"] != float64(43) || st["available"] != float64(43) {
					t.Fatalf("receipt = %s", body)
				}
			}},
		{name: "receipt replayed", method: "POST", path: contractPath("/stock/SKU-005/receipts"), body: contractBody(`{"quantity":40,"reference":"DN-1"}`), want: 200,
			check: func(t *testing.T, _ *http.Response, body []byte) {
				if m := contractJSON(t, body); m["id"] != receiptID || m["stock"].(map[string]any)["on_hand"] != float64(43) {
					t.Fatalf("replay = %s, want receipt %s and on_hand 43", body, receiptID)
				}
			}},
		{name: "receipt without reference", method: "POST", path: contractPath("/stock/SKU-005/receipts"), body: contractBody(`{"quantity":1,"reference":""}`), want: 201},
		{name: "receipt: not stocked", method: "POST", path: contractPath("/stock/SKU-999/receipts"), body: contractBody(`{"quantity":1}`), want: 404},
		{name: "receipt: malformed SKU", method: "POST", path: contractPath("/stock/sku_1/receipts"), body: contractBody(`{"quantity":1}`), want: 400, invalid: true, check: fields("sku")},
		{name: "receipt: quantity missing", method: "POST", path: contractPath("/stock/SKU-001/receipts"), body: contractBody(`{}`), want: 400, invalid: true, check: fields("quantity")},
		{name: "receipt: quantity 0", method: "POST", path: contractPath("/stock/SKU-001/receipts"), body: contractBody(`{"quantity":0}`), want: 400, invalid: true, check: fields("quantity")},
		{name: "receipt: quantity negative", method: "POST", path: contractPath("/stock/SKU-001/receipts"), body: contractBody(`{"quantity":-3}`), want: 400, invalid: true},
		{name: "receipt: quantity 1000001", method: "POST", path: contractPath("/stock/SKU-001/receipts"), body: contractBody(`{"quantity":1000001}`), want: 400, invalid: true},
		{name: "receipt: quantity 2.5", method: "POST", path: contractPath("/stock/SKU-001/receipts"), body: contractBody(`{"quantity":2.5}`), want: 400, invalid: true, check: fields("quantity")},
		{name: "receipt: reference too long", method: "POST", path: contractPath("/stock/SKU-001/receipts"), body: contractBody(`{"quantity":1,"reference":"` + long + `"}`), want: 400, invalid: true, check: fields("reference")},
		{name: "receipt: reference padded", method: "POST", path: contractPath("/stock/SKU-001/receipts"), body: contractBody(`{"quantity":1,"reference":" DN-1"}`), want: 400, invalid: true},
		{name: "receipt: unknown field", method: "POST", path: contractPath("/stock/SKU-001/receipts"), body: contractBody(`{"quantity":1,"supplier":"ACME"}`), want: 400, invalid: true, check: fields("supplier")},
		{name: "receipt: not JSON", method: "POST", path: contractPath("/stock/SKU-001/receipts"), body: contractBody(`quantity=1`), want: 400, invalid: true},
		{name: "receipt: wrong content type", method: "POST", path: contractPath("/stock/SKU-001/receipts"), body: contractBody(`quantity=1`), ctype: "text/plain", want: 415, invalid: true},

		{name: "reserve 30 of SKU-005", method: "POST", path: contractPath("/reservations"),
			body: contractBody(`{"order_id":"9f8e7d6c-5b4a-4c3d-8e2f-1a0b9c8d7e6f","items":[{"sku":"SKU-005","qty":30}]}`), want: 201},
		{name: "adjustment", method: "POST", path: contractPath("/stock/SKU-005/adjustments"), body: contractBody(`{"delta":-4,"reason":"count: 4 broken","reference":"CNT-1"}`), want: 201,
			check: func(t *testing.T, _ *http.Response, body []byte) {
				if m := contractJSON(t, body); m["on_hand_after"] != float64(40) || m["stock"].(map[string]any)["available"] != float64(10) {
					t.Fatalf("adjustment = %s", body)
				}
			}},
		{name: "adjustment replayed", method: "POST", path: contractPath("/stock/SKU-005/adjustments"), body: contractBody(`{"delta":-4,"reason":"count: 4 broken","reference":"CNT-1"}`), want: 200},
		{name: "adjustment below reserved", method: "POST", path: contractPath("/stock/SKU-005/adjustments"), body: contractBody(`{"delta":-11,"reason":"write-off"}`), want: 409,
			check: func(t *testing.T, _ *http.Response, body []byte) {
				if m := contractJSON(t, body); m["type"] != problem.TypeBase+"insufficient-stock" || m["max_removable"] != float64(10) || m["reserved"] != float64(30) {
					t.Fatalf("409 = %s", body)
				}
			}},
		{name: "adjustment up", method: "POST", path: contractPath("/stock/SKU-005/adjustments"), body: contractBody(`{"delta":2,"reason":"found in the back"}`), want: 201},
		{name: "adjustment: not stocked", method: "POST", path: contractPath("/stock/NOPE-1/adjustments"), body: contractBody(`{"delta":-1,"reason":"count"}`), want: 404},
		{name: "adjustment: delta 0", method: "POST", path: contractPath("/stock/SKU-005/adjustments"), body: contractBody(`{"delta":0,"reason":"count"}`), want: 400, invalid: true, check: fields("delta")},
		{name: "adjustment: delta -1000001", method: "POST", path: contractPath("/stock/SKU-005/adjustments"), body: contractBody(`{"delta":-1000001,"reason":"count"}`), want: 400, invalid: true},
		{name: "adjustment: reason missing", method: "POST", path: contractPath("/stock/SKU-005/adjustments"), body: contractBody(`{"delta":-1}`), want: 400, invalid: true, check: fields("reason")},
		{name: "adjustment: reason blank", method: "POST", path: contractPath("/stock/SKU-005/adjustments"), body: contractBody(`{"delta":-1,"reason":"   "}`), want: 400, invalid: true, check: fields("reason")},
		{name: "adjustment: unknown field", method: "POST", path: contractPath("/stock/SKU-005/adjustments"), body: contractBody(`{"delta":-1,"reason":"x","by":"me"}`), want: 400, invalid: true},
		{name: "adjustment: wrong content type", method: "POST", path: contractPath("/stock/SKU-005/adjustments"), body: contractBody(`delta=-1`), ctype: "text/plain", want: 415, invalid: true},
		{name: "stock after the movements", method: "GET", path: contractPath("/stock/SKU-005"), want: 200,
			check: func(t *testing.T, _ *http.Response, body []byte) {
				if m := contractJSON(t, body); m["on_hand"] != float64(42) || m["reserved"] != float64(30) || m["available"] != float64(12) {
					t.Fatalf("stock = %s, want on_hand 42, reserved 30, available 12", body)
				}
			}},
	}
	client := &http.Client{Timeout: 30 * time.Second}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			contractRun(t, client, router, svc, tc)
		})
	}
}
