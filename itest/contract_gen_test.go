package itest

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// specGen builds values from the spec's schemas for the property-based
// contract test: valid ones from the constraints and examples, and
// mutations that break exactly one rule. It knows nothing about the
// services beyond what the spec says, plus the pools of ids and SKUs the
// test saw in answers (so that lookups hit existing resources too).
type specGen struct {
	r     *rand.Rand
	skus  []string            // the catalogue, from GET /stock
	pools map[string][]string // field name (order_id, …) → ids seen in answers
}

// text is the alphabet of generated strings: multi-byte letters on purpose,
// so that a service counting bytes where the spec counts characters shows.
var genAlphabet = []rune("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_ .éü€")

const genMaxTries = 50

// value returns a value valid for s; name is the member's name (pools).
func (g *specGen) value(s *openapi3.Schema, name string) any {
	for range genMaxTries {
		v := g.raw(s, name)
		if s.VisitJSON(v) == nil {
			return v
		}
	}
	if s.Example != nil {
		return s.Example
	}
	panic(fmt.Sprintf("no valid value for %s after %d tries", name, genMaxTries))
}

func (g *specGen) raw(s *openapi3.Schema, name string) any {
	if len(s.Enum) > 0 {
		return s.Enum[g.r.IntN(len(s.Enum))]
	}
	switch {
	case s.Type.Is("object"):
		return g.object(s)
	case s.Type.Is("array"):
		return g.array(s, name)
	case s.Type.Is("integer"):
		return float64(g.integer(s))
	case s.Type.Is("number"):
		lo, hi := bounds(s, 0, 1000)
		return lo + g.r.Float64()*(hi-lo)
	case s.Type.Is("boolean"):
		return g.r.IntN(2) == 0
	case s.Type.Is("string"):
		return g.str(s, name)
	}
	return nil
}

func (g *specGen) object(s *openapi3.Schema) map[string]any {
	m := map[string]any{}
	for _, k := range sortedKeys(s.Properties) {
		if slices.Contains(s.Required, k) || g.r.IntN(2) == 0 {
			m[k] = g.value(s.Properties[k].Value, k)
		}
	}
	return m
}

// array honours x-unique-by (docs/openapi.yaml: members of the items that
// must be distinct, such as each line's sku), which JSON Schema cannot say.
func (g *specGen) array(s *openapi3.Schema, name string) []any {
	lo := int(s.MinItems)
	hi := lo + 3
	if s.MaxItems != nil && int(*s.MaxItems) < hi {
		hi = int(*s.MaxItems)
	}
	n := lo + g.r.IntN(hi-lo+1)
	if s.MaxItems != nil && *s.MaxItems <= 60 && g.r.IntN(10) == 0 {
		n = int(*s.MaxItems)
	}
	uniqueBy, _ := s.Extensions["x-unique-by"].(string)
	var out []any
	seen := map[any]bool{}
	for range n * genMaxTries {
		if len(out) == n {
			break
		}
		v := g.value(s.Items.Value, name)
		if m, ok := v.(map[string]any); ok && uniqueBy != "" {
			if seen[m[uniqueBy]] {
				continue
			}
			seen[m[uniqueBy]] = true
		}
		out = append(out, v)
	}
	return out
}

func (g *specGen) integer(s *openapi3.Schema) int64 {
	lo, hi := bounds(s, 0, 1000)
	switch g.r.IntN(4) {
	case 0:
		return int64(lo)
	case 1:
		return int64(hi)
	}
	return int64(lo) + g.r.Int64N(int64(hi-lo)+1)
}

// bounds are the schema's limits, or [dlo, dhi] where it has none.
func bounds(s *openapi3.Schema, dlo, dhi float64) (float64, float64) {
	lo, hi := dlo, dhi
	if s.Min != nil {
		lo = *s.Min
		if hi < lo {
			hi = lo + 1000
		}
	}
	if s.Max != nil {
		hi = *s.Max
		if s.Min == nil && lo > hi {
			lo = hi - 1000
		}
	}
	return lo, hi
}

var uuidPattern = regexp.MustCompile(`(?i)^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

func (g *specGen) str(s *openapi3.Schema, name string) string {
	if s.Format == "uuid" {
		if pool := g.pools[name]; len(pool) > 0 && g.r.IntN(3) > 0 {
			return pool[g.r.IntN(len(pool))]
		}
		return g.uuid()
	}
	if strings.Contains(s.Pattern, "[A-Z0-9]{2,12}") && len(g.skus) > 0 && g.r.IntN(5) > 0 {
		return g.skus[g.r.IntN(len(g.skus))]
	}
	if s.Example != nil && g.r.IntN(4) == 0 {
		if ex, ok := s.Example.(string); ok {
			return ex
		}
	}
	if strings.Contains(s.Pattern, "[A-Z0-9]") {
		return "SKU-9" + strconv.Itoa(g.r.IntN(100))
	}
	lo := int(s.MinLength)
	hi := lo + 24
	if s.MaxLength != nil && int(*s.MaxLength) < hi {
		hi = int(*s.MaxLength)
	}
	n := lo + g.r.IntN(hi-lo+1)
	if s.MaxLength != nil && g.r.IntN(5) == 0 {
		n = int(*s.MaxLength)
	}
	return g.text(n)
}

// text is n characters; the ends are never blank (patterns ask for \S).
func (g *specGen) text(n int) string {
	out := make([]rune, n)
	for i := range out {
		c := genAlphabet[g.r.IntN(len(genAlphabet))]
		for (i == 0 || i == n-1) && c == ' ' {
			c = genAlphabet[g.r.IntN(len(genAlphabet))]
		}
		out[i] = c
	}
	return string(out)
}

func (g *specGen) uuid() string {
	b := make([]byte, 16)
	for i := range b {
		b[i] = byte(g.r.IntN(256))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// outOfRange returns a value that breaks one of s's limits, and false when
// s has none.
func (g *specGen) outOfRange(s *openapi3.Schema, v any) (any, bool) {
	var opts []any
	switch {
	case s.Type.Is("integer") || s.Type.Is("number"):
		if s.Max != nil {
			opts = append(opts, *s.Max+1)
		}
		if s.Min != nil {
			opts = append(opts, *s.Min-1)
		}
		if s.Type.Is("integer") {
			opts = append(opts, 1.5)
		}
	case s.Type.Is("string"):
		if s.MaxLength != nil {
			opts = append(opts, g.text(int(*s.MaxLength)+1))
		}
		if s.MinLength > 0 {
			opts = append(opts, "")
		}
		if s.Pattern != "" || s.Format == "uuid" {
			opts = append(opts, "!not valid!")
		}
	case s.Type.Is("array"):
		if s.MinItems > 0 {
			opts = append(opts, []any{})
		}
		if s.MaxItems != nil && *s.MaxItems <= 1000 {
			items := make([]any, *s.MaxItems+1)
			for i := range items {
				items[i] = g.value(s.Items.Value, "")
			}
			opts = append(opts, items)
		}
	}
	if len(opts) == 0 {
		return nil, false
	}
	return opts[g.r.IntN(len(opts))], true
}

// wrongType is a value of another JSON type than s asks for.
func wrongType(s *openapi3.Schema) any {
	switch {
	case s.Type.Is("string"):
		return 7.0
	case s.Type.Is("array"):
		return map[string]any{"not": "an array"}
	case s.Type.Is("object"):
		return "not an object"
	case s.Type.Is("boolean"):
		return "yes"
	}
	return "seven"
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
