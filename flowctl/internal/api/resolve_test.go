package api

import (
	"context"
	"strings"
	"testing"
)

func TestResolveID(t *testing.T) {
	srv, asked := serve(t, 200, "application/json", `{"orders":[
		{"id":"a1e23a3d-2cbd-466b-877e-a4d6d7298fa4","status":"CONFIRMED"},
		{"id":"a1f00000-0000-4000-8000-000000000000","status":"PENDING"},
		{"id":"b2000000-0000-4000-8000-000000000000","status":"REJECTED"}]}`)
	o := NewOrders(srv.URL, nil)
	ctx := context.Background()
	full := "ffffffff-0000-4000-8000-000000000000"
	if id, err := o.ResolveID(ctx, full); id != full || err != nil || *asked != "" {
		t.Errorf("a full id is itself, asking nothing: %q, %v (asked %q)", id, err, *asked)
	}
	if id, err := o.ResolveID(ctx, "b2"); id != "b2000000-0000-4000-8000-000000000000" || err != nil {
		t.Errorf("b2: %q, %v", id, err)
	}
	if !strings.HasPrefix(*asked, "GET /orders?limit=500") {
		t.Errorf("asked %q", *asked)
	}
	if _, err := o.ResolveID(ctx, "a1"); err == nil || err.Error() != `"a1" matches 2 orders: give more of the id` {
		t.Errorf("ambiguous: %v", err)
	}
	if _, err := o.ResolveID(ctx, "c3"); err == nil || !strings.Contains(err.Error(), `no order id starts with "c3" among the newest 500`) {
		t.Errorf("none: %v", err)
	}
}
