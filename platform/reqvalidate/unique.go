package reqvalidate

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/orderflow/platform/problem"
)

// uniqueBy checks the x-unique-by rules of a body that passed the schema.
func uniqueBy(rb *openapi3.RequestBody, body []byte) []problem.FieldError {
	mt := rb.Content.Get("application/json")
	if mt == nil || mt.Schema == nil {
		return nil
	}
	var v any
	if json.Unmarshal(body, &v) != nil {
		return nil // the schema check has said so already
	}
	return walkUnique(mt.Schema.Value, v, nil)
}

func walkUnique(s *openapi3.Schema, v any, path []string) []problem.FieldError {
	if s == nil {
		return nil
	}
	var out []problem.FieldError
	switch v := v.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(v)) {
			if p := s.Properties[k]; p != nil {
				out = append(out, walkUnique(p.Value, v[k], append(path[:len(path):len(path)], k))...)
			}
		}
	case []any:
		if key, _ := s.Extensions[UniqueByExtension].(string); key != "" {
			seen := map[string]int{}
			for i, x := range v {
				m, ok := x.(map[string]any)
				if !ok {
					continue
				}
				id := fmt.Sprint(m[key])
				if j, dup := seen[id]; dup {
					out = append(out, problem.FieldError{
						Field:  memberPath(append(path[:len(path):len(path)], fmt.Sprint(i), key)),
						Detail: fmt.Sprintf("%s already appears in %s: put the total quantity on one line", id, memberPath(append(path[:len(path):len(path)], fmt.Sprint(j)))),
					})
					continue
				}
				seen[id] = i
			}
		}
		if s.Items != nil {
			for i, x := range v {
				out = append(out, walkUnique(s.Items.Value, x, append(path[:len(path):len(path)], fmt.Sprint(i)))...)
			}
		}
	}
	return out
}
