package httpapi

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/orderflow/order-svc/internal/order"
	"github.com/orderflow/platform/problem"
)

// TestCustomerIDRefusesInvisibleAndControlCharacters: a customer id is
// printed by flowctl and the dashboard, so what would rewrite a terminal
// or reorder a line (Cc, Cf) or show nothing at all is refused by the
// contract's pattern, naming the field and why.
func TestCustomerIDRefusesInvisibleAndControlCharacters(t *testing.T) {
	refused := map[string]string{
		"escape sequence":     "cust\x1b[2J",
		"carriage return":     "cust-1\rroot",
		"newline":             "cust-1\n",
		"NUL":                 "cust\x00",
		"C1 control":          "cust\u009b1",
		"lone RLO":            "\u202e",
		"RLO inside":          "cust-\u202e1",
		"zero-width space":    "\u200b",
		"zero-width joiner":   "cu\u200dst",
		"byte order mark":     "\ufeffcust",
		"blanks only":         "   ",
		"ideographic space":   "\u3000",
		"line separator only": "\u2028",
	}
	for name, id := range refused {
		t.Run(name, func(t *testing.T) {
			p := &fakePlacer{status: order.Confirmed}
			e, _ := newAPI(t, p)
			r := call(t, e, http.MethodPost, "/orders", placeBody(t, id), "application/json")
			if r.code != http.StatusBadRequest || r.hdr.Get("Content-Type") != problem.ContentType {
				t.Fatalf("customer_id %q = %d %s, want 400 problem+json", id, r.code, r.raw)
			}
			if f := r.fields(); len(f) != 1 || f[0] != "customer_id" || !strings.Contains(r.raw, "control") {
				t.Fatalf("customer_id %q: fields %v, problem %s; want customer_id, saying why (control or format characters)", id, f, r.raw)
			}
			if len(p.drafts) != 0 {
				t.Fatalf("customer_id %q reached the placer", id)
			}
		})
	}
	for _, id := range []string{"cust-42", "Müller GmbH", "客户-1", "a b", "O'Brien & Sons", "x"} {
		e, _ := newAPI(t, &fakePlacer{status: order.Confirmed})
		if r := call(t, e, http.MethodPost, "/orders", placeBody(t, id), "application/json"); r.code != http.StatusCreated {
			t.Errorf("customer_id %q = %d %s, want 201", id, r.code, r.raw)
		}
	}
}

func placeBody(t *testing.T, customer string) string {
	t.Helper()
	b, err := json.Marshal(map[string]any{"customer_id": customer, "items": []map[string]any{{"sku": "SKU-001", "qty": 1}}})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
