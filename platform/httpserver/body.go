package httpserver

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/orderflow/platform/problem"
)

// DefaultBodyTimeout is HTTP_BODY_TIMEOUT's default: how long a client may
// take to send a request's headers, and then its body.
const DefaultBodyTimeout = 2 * time.Second

// readBody reads the whole request body, at most MaxBodyBytes within
// timeout, before the request may take an in-flight slot: a client that
// trickles its body would otherwise hold a slot for as long as it likes,
// and 64 of them keep the API down. A body that has not arrived in time is
// answered 408; the handlers then read the body from memory.
func readBody(timeout time.Duration, reading prometheus.Gauge) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			if req.ContentLength > MaxBodyBytes {
				return TooLarge()
			}
			if !hasBody(req) {
				return next(c)
			}
			reading.Inc()
			b, err := readWithin(c, timeout)
			reading.Dec()
			if err != nil {
				return err
			}
			req.Body = io.NopCloser(bytes.NewReader(b))
			return next(c)
		}
	}
}

// readWithin reads the body under a connection read deadline, then lifts
// it: a deadline left behind would fire during the handler and cancel the
// request's context. A response writer without deadlines (a test
// recorder) reads without one.
func readWithin(c echo.Context, timeout time.Duration) ([]byte, error) {
	rc := http.NewResponseController(c.Response())
	if err := rc.SetReadDeadline(time.Now().Add(timeout)); err == nil {
		defer func() { _ = rc.SetReadDeadline(time.Time{}) }()
	}
	b, err := io.ReadAll(http.MaxBytesReader(c.Response(), c.Request().Body, MaxBodyBytes))
	var mbe *http.MaxBytesError
	switch {
	case err == nil:
		return b, nil
	case errors.As(err, &mbe):
		return nil, TooLarge()
	case errors.Is(err, os.ErrDeadlineExceeded):
		c.Response().Header().Set("Connection", "close")
		return nil, BodyTimeout(timeout)
	}
	return nil, problem.Validation("the request body could not be read", problem.FieldError{Field: "body", Detail: err.Error()})
}

// BodyTimeout is the 408 problem of a body that did not arrive in time.
func BodyTimeout(timeout time.Duration) *problem.Problem {
	return problem.New(http.StatusRequestTimeout, "request-timeout", "Request body too slow",
		fmt.Sprintf("the request body did not arrive within %s (HTTP_BODY_TIMEOUT); nothing was done, send it again at once", timeout))
}

func newReadingGauge(reg *prometheus.Registry) prometheus.Gauge {
	g := prometheus.NewGauge(prometheus.GaugeOpts{Name: "http_server_reading_request_bodies",
		Help: "Requests whose body is being read (before they may take an in-flight slot)."})
	reg.MustRegister(g)
	return g
}
