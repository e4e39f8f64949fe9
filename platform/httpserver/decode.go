package httpserver

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/orderflow/platform/problem"
)

// DecodeJSON reads the request body into v strictly: JSON only, no unknown
// fields, one value, at most MaxBodyBytes. Every failure is a 400 (or 415)
// problem that says what is wrong.
func DecodeJSON(c echo.Context, v any) error {
	if ct := c.Request().Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return problem.New(http.StatusUnsupportedMediaType, "unsupported-media-type", "Unsupported media type",
				fmt.Sprintf("send the body as application/json, not %q", ct))
		}
	}
	dec := json.NewDecoder(c.Request().Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeProblem(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return TooLarge()
		}
		return problem.Validation("the body must hold exactly one JSON object", problem.FieldError{Field: "body", Detail: "unexpected data after the JSON object"})
	}
	return nil
}

func decodeProblem(err error) error {
	var mbe *http.MaxBytesError
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &mbe):
		return TooLarge()
	case errors.Is(err, io.EOF):
		return problem.Validation("the request body is empty", problem.FieldError{Field: "body", Detail: "a JSON object is required"})
	case errors.As(err, &syn), errors.Is(err, io.ErrUnexpectedEOF):
		return problem.Validation("the request body is not valid JSON", problem.FieldError{Field: "body", Detail: err.Error()})
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "body"
		}
		return problem.Validation(fmt.Sprintf("%s has the wrong type", field), problem.FieldError{Field: field, Detail: fmt.Sprintf("must be %s, not %s", jsonKind(typ.Type.Kind().String()), typ.Value)})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return problem.Validation(fmt.Sprintf("unknown field %q", name), problem.FieldError{Field: name, Detail: "is not a field of this request; check the spelling against docs/openapi.yaml"})
	default:
		return problem.Validation("the request body could not be read", problem.FieldError{Field: "body", Detail: err.Error()})
	}
}

func jsonKind(goKind string) string {
	switch goKind {
	case "int", "int64", "int32", "uint", "uint64", "float64":
		return "a number"
	case "string":
		return "a string"
	case "slice":
		return "an array"
	case "struct", "map":
		return "an object"
	case "bool":
		return "a boolean"
	}
	return goKind
}
