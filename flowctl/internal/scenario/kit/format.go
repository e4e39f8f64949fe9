package kit

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// StatusList is "PENDING 38 · CONFIRMED 2", most frequent first.
func StatusList(m map[string]int) string {
	keys := slices.SortedFunc(maps.Keys(m), func(a, b string) int {
		return cmp.Or(cmp.Compare(m[b], m[a]), cmp.Compare(a, b))
	})
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	return strings.Join(parts, " · ")
}

// Plural is word, with an s unless n is 1.
func Plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// Brief keeps a failure's first clause: the verdict line names the cause,
// the details carry all of it.
func Brief(s string) string {
	if i := strings.Index(s, "; "); i > 0 {
		s = s[:i]
	}
	// Long causes nest "what: why: detail"; the first three parts say it.
	if parts := strings.SplitN(s, ": ", 4); len(parts) == 4 {
		s = strings.Join(parts[:3], ": ")
	}
	if r := []rune(s); len(r) > 100 {
		s = string(r[:99]) + "…"
	}
	return s
}

// Money is "12.30 EUR".
func Money(cents int64, currency string) string {
	return strings.TrimSpace(fmt.Sprintf("%d.%02d %s", cents/100, cents%100, currency))
}

// Short is the first block of a UUID.
func Short(id string) string {
	if i := strings.IndexByte(id, '-'); i > 0 {
		return id[:i]
	}
	return id
}

// Counted is "1 request", "3 requests": the count and its noun.
func Counted(n int, word string) string { return fmt.Sprintf("%d %s", n, Plural(n, word)) }
