package dashboard

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/orderflow/flowctl/internal/api"
)

// A fault call that failed on one replica of three says how many got it
// and which failed, as problem members; disagreeing replicas are a 409.
func TestAdminFailedNamesTheReplicas(t *testing.T) {
	rec := httptest.NewRecorder()
	adminFailed(rec, "The service did not take the faults", &api.ReplicaError{Service: "inventory-svc", Method: http.MethodPut,
		Reach: api.Reach{Of: 3, Got: []string{"inventory-svc#1", "inventory-svc#3"}}, Failed: map[string]error{"inventory-svc#2": errors.New("connection refused")}})
	var p map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	if rec.Code != http.StatusBadGateway || p["replicas_reached"] != 2.0 || p["replicas"] != 3.0 {
		t.Errorf("%d %v: want 502 with 2 of 3 reached", rec.Code, p)
	}
	if f, _ := p["replicas_failed"].([]any); len(f) != 1 || f[0] != "inventory-svc#2" {
		t.Errorf("replicas_failed %v, want inventory-svc#2", p["replicas_failed"])
	}
	rec = httptest.NewRecorder()
	adminFailed(rec, "x", &api.DisagreeError{Service: "inventory-svc", By: map[string]api.Faults{"a": {}, "b": {ErrorRate: 1}}})
	if rec.Code != http.StatusConflict {
		t.Errorf("disagreeing replicas: %d, want 409", rec.Code)
	}
}
