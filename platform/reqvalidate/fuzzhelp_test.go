package reqvalidate

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"unicode"

	"github.com/orderflow/platform/problem"
)

// lastProblem reads the problem a refusal was answered with.
func lastProblem(rec *httptest.ResponseRecorder) (problem.Problem, bool) {
	var p problem.Problem
	err := json.Unmarshal(rec.Body.Bytes(), &p)
	return p, err == nil && p.Status == rec.Code
}

// customerID is the customer_id member of a JSON object body, if any.
func customerID(body string) (string, bool) {
	var m map[string]any
	if json.Unmarshal([]byte(body), &m) != nil {
		return "", false
	}
	s, ok := m["customer_id"].(string)
	return s, ok
}

// customerIDAllowed restates the contract's rule in Go: something visible,
// no control or format characters.
func customerIDAllowed(s string) bool {
	if strings.IndexFunc(s, func(r rune) bool { return unicode.In(r, unicode.Cc, unicode.Cf) }) >= 0 {
		return false
	}
	return strings.IndexFunc(s, func(r rune) bool { return !unicode.In(r, unicode.Z) }) >= 0
}
