package api

import (
	"strings"
	"testing"

	"github.com/orderflow/platform/problem"
)

// TestProblemErrorIsOneSafeLine: flowctl prints a refused call's problem as
// its error line; the service (or whatever answers on its port) wrote it.
func TestProblemErrorIsOneSafeLine(t *testing.T) {
	e := &ProblemError{Method: "POST", Path: "/orders", Status: 400, Title: "Bad\x1b[2J",
		Detail: "line one\nline two\r", Fields: []problem.FieldError{{Field: "customer_id\u202e", Detail: "x"}}}
	got := e.Error()
	if strings.ContainsAny(got, "\x1b\n\r\u202e") {
		t.Fatalf("Error() = %q, want control and format characters escaped", got)
	}
	for _, want := range []string{`Bad\x1b[2J`, `line one\x0aline two\x0d`, `customer_id\u202e`} {
		if !strings.Contains(got, want) {
			t.Errorf("Error() = %q, lacks %s", got, want)
		}
	}
}
