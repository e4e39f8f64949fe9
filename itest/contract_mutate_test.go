package itest

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// bodySite is one member of a generated body: where it is and what the
// spec says it must be.
type bodySite struct {
	path     []any // string keys and int indexes from the root
	schema   *openapi3.Schema
	required bool // a required member of its object
}

// field names the site as the services' problems do: items[0].qty.
func (s bodySite) field() string {
	var b strings.Builder
	for _, p := range s.path {
		switch p := p.(type) {
		case int:
			fmt.Fprintf(&b, "[%d]", p)
		case string:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(p)
		}
	}
	return b.String()
}

// sites lists v and every member inside it.
func sites(v any, s *openapi3.Schema, path []any, required bool) []bodySite {
	out := []bodySite{{path: path, schema: s, required: required}}
	switch v := v.(type) {
	case map[string]any:
		for _, k := range sortedKeys(v) {
			if p := s.Properties[k]; p != nil {
				out = append(out, sites(v[k], p.Value, append(slices.Clone(path), k), slices.Contains(s.Required, k))...)
			}
		}
	case []any:
		for i, x := range v {
			out = append(out, sites(x, s.Items.Value, append(slices.Clone(path), i), false)...)
		}
	}
	return out
}

// deepCopy copies a JSON value through encoding/json (test data is small).
func deepCopy(v any) any {
	b, _ := json.Marshal(v)
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}

// edit returns a copy of root with the member at path replaced by fn's
// result; fn gets the parent container and the key or index.
func edit(root any, path []any, fn func(parent any, key any)) any {
	root = deepCopy(root)
	if len(path) == 0 {
		wrapper := map[string]any{"": root}
		fn(wrapper, "")
		return wrapper[""]
	}
	parent := root
	for _, p := range path[:len(path)-1] {
		switch p := p.(type) {
		case string:
			parent = parent.(map[string]any)[p]
		case int:
			parent = parent.([]any)[p]
		}
	}
	fn(parent, path[len(path)-1])
	return root
}

func get(parent any, key any) any {
	switch p := parent.(type) {
	case map[string]any:
		return p[key.(string)]
	case []any:
		return p[key.(int)]
	}
	return nil
}

func set(parent any, key any, v any) {
	switch p := parent.(type) {
	case map[string]any:
		p[key.(string)] = v
	case []any:
		p[key.(int)] = v
	}
}

// bodyMutation is a body that breaks one rule, and the field at fault.
type bodyMutation struct {
	kind  string
	body  any
	field string
}

// bodyMutations breaks body (valid for s) in each of the ways the test
// covers, one mutation per kind, at a randomly chosen member.
func (g *specGen) bodyMutations(body any, s *openapi3.Schema) []bodyMutation {
	all := sites(body, s, nil, false)
	pick := func(ok func(bodySite) bool) (bodySite, bool) {
		var cands []bodySite
		for _, st := range all {
			if ok(st) {
				cands = append(cands, st)
			}
		}
		if len(cands) == 0 {
			return bodySite{}, false
		}
		return cands[g.r.IntN(len(cands))], true
	}
	var out []bodyMutation
	if st, ok := pick(func(st bodySite) bool { return st.required }); ok {
		out = append(out, bodyMutation{"missing required member", edit(body, st.path, func(p, k any) {
			delete(p.(map[string]any), k.(string))
		}), st.field()})
	}
	if st, ok := pick(func(st bodySite) bool { return len(st.path) > 0 }); ok {
		out = append(out, bodyMutation{"wrong type", edit(body, st.path, func(p, k any) { set(p, k, wrongType(st.schema)) }), st.field()})
	}
	if st, ok := pick(func(st bodySite) bool { _, ok := g.outOfRange(st.schema, nil); return ok }); ok {
		v, _ := g.outOfRange(st.schema, nil)
		out = append(out, bodyMutation{"value out of range", edit(body, st.path, func(p, k any) { set(p, k, v) }), st.field()})
	}
	if st, ok := pick(func(st bodySite) bool { return st.schema.Type.Is("object") }); ok {
		extra := bodySite{path: append(slices.Clone(st.path), "x_extra")}
		out = append(out, bodyMutation{"extra member", edit(body, st.path, func(p, k any) {
			get(p, k).(map[string]any)["x_extra"] = true
		}), extra.field()})
	}
	if st, ok := pick(func(st bodySite) bool {
		u, _ := st.schema.Extensions["x-unique-by"].(string)
		return u != "" && st.schema.Type.Is("array")
	}); ok {
		u := st.schema.Extensions["x-unique-by"].(string)
		out = append(out, bodyMutation{"duplicate " + u, edit(body, st.path, func(p, k any) {
			arr := get(p, k).([]any)
			dup := deepCopy(arr[0])
			set(p, k, append(arr, dup))
		}), bodySite{path: st.path}.field()})
	}
	return out
}
