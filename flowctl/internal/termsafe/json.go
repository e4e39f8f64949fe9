package termsafe

import (
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// JSON returns encoding/json output with every character String would
// escape written as a JSON \u escape instead: the encoder escapes the C0
// controls but leaves DEL, the C1 controls (U+009B is a CSI to many
// terminals) and format characters (bidi overrides) raw, and `--json` is
// read on terminals too. The value is unchanged; only its spelling is.
// Such characters can only stand inside strings in JSON, where \u is valid.
func JSON(b []byte) []byte {
	s := string(b)
	if !needsEscape(s) {
		return b
	}
	var out strings.Builder
	for _, r := range s {
		if !unsafe(r) || r == '\n' || r == '\t' || r == '\r' {
			out.WriteRune(r) // outside strings: the encoder's own layout
			continue
		}
		if r1, r2 := utf16.EncodeRune(r); r1 != utf8.RuneError {
			fmt.Fprintf(&out, `\u%04x\u%04x`, r1, r2)
			continue
		}
		fmt.Fprintf(&out, `\u%04x`, r)
	}
	return []byte(out.String())
}
