package dashboard

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Serving tells the dashboard from another server on the same address.
func TestServingKnowsADashboard(t *testing.T) {
	srv, err := New(Config{Stacks: []Stack{{Mode: "sync", URLs: newFakeStack(t, "tok").urls()}}})
	if err != nil {
		t.Fatal(err)
	}
	dash := httptest.NewServer(srv.Handler())
	defer dash.Close()
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("<title>something else</title>")) }))
	defer other.Close()
	if !Serving(testContext(t), strings.TrimPrefix(dash.URL, "http://")) {
		t.Errorf("Serving(%s) = false for a dashboard", dash.URL)
	}
	if Serving(testContext(t), strings.TrimPrefix(other.URL, "http://")) {
		t.Errorf("Serving(%s) = true for a server that is not a dashboard", other.URL)
	}
	other.Close()
	if Serving(testContext(t), strings.TrimPrefix(other.URL, "http://")) {
		t.Errorf("Serving(%s) = true where nothing listens", other.URL)
	}
}
