// Package termsafe makes text that came from the services or the log safe
// to print on an operator's terminal. Such text is written by whoever
// placed an order or published a message: an ESC sequence in it would
// clear the screen or retitle the window, a CR would overwrite the line,
// a right-to-left override would reorder what follows. Every printer of a
// remote string passes it through String.
package termsafe

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// String returns s with every character a terminal would act on or hide
// written as a visible Go escape: control characters (Cc: ESC, CR, LF,
// tab, C1), format characters (Cf: bidi overrides, zero-width spaces),
// line and paragraph separators, and bytes that are not UTF-8. Text
// without them comes back unchanged. Generic, so the generated clients'
// string types (an order's status) pass as they are.
func String[S ~string](str S) string {
	s := string(str)
	if !needsEscape(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case unsafe(r) && r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafe(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}

func needsEscape(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	return strings.IndexFunc(s, unsafe) >= 0
}

func unsafe(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.In(r, unicode.Zl, unicode.Zp)
}
