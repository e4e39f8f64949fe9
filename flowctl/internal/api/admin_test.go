package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestAdmin(t *testing.T) {
	var last Faults
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer s3cret" {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"title":"Unauthorized","status":401}`))
			return
		}
		switch r.Method {
		case http.MethodPut:
			_ = json.NewDecoder(r.Body).Decode(&last)
		case http.MethodDelete:
			last = Faults{Latency: "0s"}
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(last)
	}))
	defer srv.Close()
	ctx := context.Background()
	a := NewAdmin(srv.URL, "inventory-svc", "s3cret", nil)
	got, err := a.SetFaults(ctx, Faults{ErrorRate: 0.5})
	if err != nil || got.ErrorRate != 0.5 || last.Latency != "0s" {
		t.Fatalf("SetFaults = %+v, %v (sent %+v): an unset latency must go out as 0s", got, err, last)
	}
	if err := a.ClearFaults(ctx); err != nil || last.ErrorRate != 0 {
		t.Fatalf("ClearFaults: %v, %+v", err, last)
	}
	_, err = NewAdmin(srv.URL, "inventory-svc", "wrong", nil).GetFaults(ctx)
	if err == nil || !strings.Contains(err.Error(), "refused the admin token") {
		t.Errorf("wrong token: %v", err)
	}
	none := httptest.NewServer(http.NotFoundHandler())
	defer none.Close()
	if _, err := NewAdmin(none.URL, "order-svc", "x", nil).GetFaults(ctx); !errors.Is(err, ErrNoAdmin) {
		t.Errorf("no /admin route: %v, want ErrNoAdmin", err)
	}
}

func TestIsServerError(t *testing.T) {
	five := fmt.Errorf("search: %w", errors.Join(&ProblemError{Status: 500}, &ProblemError{Status: 404}))
	if !IsServerError(five) {
		t.Error("a wrapped 500 among joined errors is a server error")
	}
	if IsServerError(&ProblemError{Status: 404}) || IsServerError(errors.New("refused")) || IsServerError(nil) {
		t.Error("a 404, a transport error or no error is not a server error")
	}
}
