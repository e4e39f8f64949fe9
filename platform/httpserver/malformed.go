package httpserver

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/orderflow/platform/problem"
)

// malformed answers, before any handler, the malformed requests net/http hands
// on to a handler: a query string that does not decode (net/http and echo
// would drop the bad pair silently, so ?limit=%zz would read as no limit)
// and a path that decodes to control characters or to bytes that are not
// UTF-8. What net/http refuses itself (a path with bad percent-encoding,
// a bad Content-Length, headers over MaxHeaderBytes) never gets here: it
// answers text/plain, see docs/operations.md.
func malformed(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		u := c.Request().URL
		if _, err := url.ParseQuery(u.RawQuery); err != nil {
			return problem.Validation("the query string is malformed",
				problem.FieldError{Field: "query", Detail: "does not decode: " + err.Error() + "; percent-encode each name and value (%XX with two hex digits)"})
		}
		if !utf8.ValidString(u.Path) || strings.IndexFunc(u.Path, unicode.IsControl) >= 0 {
			return problem.Validation("the path is malformed",
				problem.FieldError{Field: "path", Detail: "decodes to control characters or to bytes that are not UTF-8; no resource has such a name"})
		}
		return next(c)
	}
}
