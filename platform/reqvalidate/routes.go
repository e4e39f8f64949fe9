package reqvalidate

import "github.com/labstack/echo/v4"

// EchoRouter is the route table oapi-codegen's RegisterHandlers takes
// (*echo.Echo and *echo.Group have it).
type EchoRouter interface {
	CONNECT(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route
	DELETE(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route
	GET(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route
	HEAD(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route
	OPTIONS(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route
	PATCH(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route
	POST(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route
	PUT(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route
	TRACE(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route
}

// Routes puts mw in front of every route registered through it: the
// generated wrappers bind parameters with a plain-text 400 of their own, so
// the validator must have answered before them. A route group would not do:
// echo answers a group's unknown paths itself, changing the 404s.
func Routes(r EchoRouter, mw echo.MiddlewareFunc) EchoRouter { return validated{r, mw} }

type validated struct {
	r  EchoRouter
	mw echo.MiddlewareFunc
}

func (v validated) with(m []echo.MiddlewareFunc) []echo.MiddlewareFunc {
	return append([]echo.MiddlewareFunc{v.mw}, m...)
}

func (v validated) CONNECT(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return v.r.CONNECT(p, h, v.with(m)...)
}
func (v validated) DELETE(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return v.r.DELETE(p, h, v.with(m)...)
}
func (v validated) GET(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return v.r.GET(p, h, v.with(m)...)
}
func (v validated) HEAD(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return v.r.HEAD(p, h, v.with(m)...)
}
func (v validated) OPTIONS(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return v.r.OPTIONS(p, h, v.with(m)...)
}
func (v validated) PATCH(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return v.r.PATCH(p, h, v.with(m)...)
}
func (v validated) POST(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return v.r.POST(p, h, v.with(m)...)
}
func (v validated) PUT(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return v.r.PUT(p, h, v.with(m)...)
}
func (v validated) TRACE(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return v.r.TRACE(p, h, v.with(m)...)
}
