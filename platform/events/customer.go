package events

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxCustomerIDLen is the longest customer id, in characters (as the REST
// contract's PlaceOrder says).
const MaxCustomerIDLen = 64

// ValidateCustomerID refuses what the REST contract refuses: an empty or
// blank-only id, one over MaxCustomerIDLen characters, and control (Cc)
// or format (Cf: bidi overrides, zero-width spaces) characters, which
// would rewrite a terminal or a page listing the order. An event is held
// to it too: a message published by hand must not bring in what the API
// keeps out.
func ValidateCustomerID(s string) error {
	switch {
	case s == "":
		return errors.New("customer_id is missing")
	case !utf8.ValidString(s):
		return errors.New("customer_id is not UTF-8")
	case utf8.RuneCountInString(s) > MaxCustomerIDLen:
		return fmt.Errorf("customer_id is %d characters long, at most %d are allowed", utf8.RuneCountInString(s), MaxCustomerIDLen)
	case strings.IndexFunc(s, func(r rune) bool { return unicode.In(r, unicode.Cc, unicode.Cf) }) >= 0:
		return errors.New("customer_id contains a control or format character")
	case strings.IndexFunc(s, func(r rune) bool { return !unicode.In(r, unicode.Z) }) < 0:
		return errors.New("customer_id is blank")
	}
	return nil
}
