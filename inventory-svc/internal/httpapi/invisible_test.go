package httpapi

import (
	"encoding/json"
	"net/http"
	"testing"
)

// TestMovementTextRefusesFormatCharacters: a reference or reason is listed
// in the ledger and by flowctl; a bidi override or a zero-width space in
// it would reorder or hide what the operator reads, as a control
// character would.
func TestMovementTextRefusesFormatCharacters(t *testing.T) {
	e, _, _ := newAPI(t, false)
	for name, tc := range map[string]struct{ path, field string }{
		"receipt reference":    {"/stock/SKU-001/receipts", "reference"},
		"adjustment reference": {"/stock/SKU-001/adjustments", "reference"},
		"adjustment reason":    {"/stock/SKU-001/adjustments", "reason"},
	} {
		for _, text := range []string{"DN-\u202e1", "\u200b", "DN\u200d1", "DN-1\x1b[2J"} {
			body := map[string]any{"quantity": 5, "reference": text}
			if tc.path != "/stock/SKU-001/receipts" {
				body = map[string]any{"delta": 1, "reason": "count", "reference": "CNT-1"}
				body[tc.field] = text
			}
			b, _ := json.Marshal(body)
			r := call(t, e, http.MethodPost, tc.path, string(b))
			if f := r.fields(); r.code != http.StatusBadRequest || len(f) != 1 || f[0] != tc.field {
				t.Errorf("%s %q = %d fields %v, want 400 naming %s", name, text, r.code, f, tc.field)
			}
		}
	}
}
