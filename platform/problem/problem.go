// Package problem writes RFC 9457 problem details (application/problem+json).
package problem

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// ContentType is the media type of every error body the services return.
const ContentType = "application/problem+json"

// TypeBase prefixes every problem type URI; the fragment names the problem.
const TypeBase = "https://orderflow.dev/problems/"

// FieldError names one field at fault in a request.
type FieldError struct {
	Field  string `json:"field"`
	Detail string `json:"detail"`
}

// Problem is an RFC 9457 problem details object with the extension members we use.
type Problem struct {
	Type     string       `json:"type"`
	Title    string       `json:"title"`
	Status   int          `json:"status"`
	Detail   string       `json:"detail,omitempty"`
	Instance string       `json:"instance,omitempty"`
	Errors   []FieldError `json:"errors,omitempty"`
	// Extensions are merged into the top-level object (e.g. order_id, trace_id).
	Extensions map[string]any `json:"-"`
}

// Error lets a Problem travel as an error through handlers.
func (p *Problem) Error() string { return fmt.Sprintf("%d %s: %s", p.Status, p.Title, p.Detail) }

// MarshalJSON flattens Extensions into the object, as RFC 9457 §3.2 describes.
func (p *Problem) MarshalJSON() ([]byte, error) {
	type plain Problem
	base, err := json.Marshal((*plain)(p))
	if err != nil || len(p.Extensions) == 0 {
		return base, err
	}
	m := map[string]any{}
	if err := json.Unmarshal(base, &m); err != nil {
		return nil, err
	}
	for k, v := range p.Extensions {
		if _, taken := m[k]; !taken {
			m[k] = v
		}
	}
	return json.Marshal(m)
}

// New builds a problem; kind becomes the type URI's last segment.
func New(status int, kind, title, detail string) *Problem {
	return &Problem{Type: TypeBase + kind, Title: title, Status: status, Detail: detail}
}

// With adds an extension member and returns p for chaining.
func (p *Problem) With(key string, value any) *Problem {
	if p.Extensions == nil {
		p.Extensions = map[string]any{}
	}
	p.Extensions[key] = value
	return p
}

// Validation is the 400 problem for a request whose fields are wrong.
func Validation(detail string, errs ...FieldError) *Problem {
	p := New(http.StatusBadRequest, "validation", "The request is not valid", detail)
	p.Errors = errs
	return p
}

// Write sends p as the response.
func Write(w http.ResponseWriter, p *Problem) {
	w.Header().Set("Content-Type", ContentType)
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}
