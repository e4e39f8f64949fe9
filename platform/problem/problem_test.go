package problem_test

import (
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/orderflow/platform/problem"
)

func TestMarshalFlattensExtensions(t *testing.T) {
	p := problem.New(409, "out-of-stock", "Out of stock", "SKU-005: 5 requested, 3 available").
		With("order_id", "o-1").With("status", "REJECTED").With("title", "must not override")
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"type": problem.TypeBase + "out-of-stock", "title": "Out of stock", "status": float64(409),
		"detail": "SKU-005: 5 requested, 3 available", "order_id": "o-1",
	}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %v, want %v (body %s)", k, m[k], v, b)
		}
	}
	// "status" is a standard member: the extension of the same name loses.
	if len(m) != len(want) {
		t.Errorf("body has %d members, want %d: %s", len(m), len(want), b)
	}
}

func TestWriteValidation(t *testing.T) {
	rec := httptest.NewRecorder()
	problem.Write(rec, problem.Validation("2 errors", problem.FieldError{Field: "items[0].qty", Detail: "0 is outside 1..1000"}, problem.FieldError{Field: "customer_id", Detail: "is required"}))
	if rec.Code != 400 || rec.Header().Get("Content-Type") != problem.ContentType {
		t.Fatalf("Write = %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	var got struct {
		Type   string               `json:"type"`
		Status int                  `json:"status"`
		Errors []problem.FieldError `json:"errors"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Type != problem.TypeBase+"validation" || got.Status != 400 || len(got.Errors) != 2 || got.Errors[0].Field != "items[0].qty" || got.Errors[1].Field != "customer_id" {
		t.Fatalf("body = %s", rec.Body)
	}
}
