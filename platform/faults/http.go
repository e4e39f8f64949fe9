package faults

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/orderflow/platform/httpserver"
	"github.com/orderflow/platform/problem"
)

// Middleware applies the faults to the service's own API; health, readiness,
// metrics and the admin endpoint stay untouched so the demo can still observe
// and repair the service.
func (in *Injector) Middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if httpserver.Exempt(c.Path()) {
			return next(c)
		}
		if err := in.Apply(c.Request().Context()); err != nil {
			if errors.Is(err, ErrInjected) {
				return problem.New(http.StatusServiceUnavailable, "injected-fault", "Injected fault",
					"this service is failing on purpose (flowctl fault set); clear it with flowctl fault clear")
			}
			return err
		}
		return next(c)
	}
}

// Register adds GET/PUT/DELETE /admin/faults, guarded by a bearer token. With
// an empty token nothing is registered: fault injection is off.
func (in *Injector) Register(e *echo.Echo, token string) {
	if token == "" {
		return
	}
	// Route-level middleware, not a Group's: a group with middleware also
	// registers catch-all /admin and /admin/* routes.
	auth := func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			got, ok := strings.CutPrefix(c.Request().Header.Get("Authorization"), "Bearer ")
			if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(token)) != 1 {
				c.Response().Header().Set("WWW-Authenticate", `Bearer realm="orderflow-admin"`)
				return problem.New(http.StatusUnauthorized, "unauthorized", "Unauthorized", "send Authorization: Bearer <ADMIN_TOKEN>")
			}
			return next(c)
		}
	}
	e.GET("/admin/faults", func(c echo.Context) error { return c.JSON(http.StatusOK, in.Settings()) }, auth)
	e.PUT("/admin/faults", func(c echo.Context) error {
		var s Settings
		if err := httpserver.DecodeJSON(c, &s); err != nil {
			return err
		}
		if err := in.Set(s); err != nil {
			return problem.Validation(err.Error(), problem.FieldError{Field: "body", Detail: err.Error()})
		}
		return c.JSON(http.StatusOK, in.Settings())
	}, auth)
	e.DELETE("/admin/faults", func(c echo.Context) error {
		_ = in.Set(Settings{})
		return c.JSON(http.StatusOK, in.Settings())
	}, auth)
}
