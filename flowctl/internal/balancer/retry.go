package balancer

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
)

// A request whose replica refused the connection never reached it, so it
// goes to another replica, whatever its method: a killed replica costs no
// request, only the ones it had in flight. Bodies up to maxRetryBody are
// kept for that; a larger one is sent once.
const maxRetryBody = 1 << 20

type attemptKey struct{}

// attempt is one try of a request, told by the proxy's error handler that
// the replica refused the connection (and nothing was written).
type attempt struct{ refused bool }

// refusedOnDial says whether err is a failure to connect.
func refusedOnDial(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// retryOnRefusal marks a on a dial failure and reports whether the error
// handler should leave the answer to the next try.
func retryOnRefusal(r *http.Request, err error) bool {
	a, ok := r.Context().Value(attemptKey{}).(*attempt)
	if !ok || !refusedOnDial(err) || r.Context().Err() != nil {
		return false
	}
	a.refused = true
	return true
}

// readBody keeps r's body for a retry; ok is false when it is too large
// (r.Body then still holds all of it).
func readBody(r *http.Request) (body []byte, ok bool, err error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, true, nil
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, maxRetryBody+1))
	if err != nil {
		return nil, false, err
	}
	if len(b) > maxRetryBody {
		r.Body = readCloser{io.MultiReader(bytes.NewReader(b), r.Body), r.Body}
		return nil, false, nil
	}
	return b, true, nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

// withAttempt is r for one try: its body again, and a fresh attempt.
func withAttempt(r *http.Request, body []byte) (*http.Request, *attempt) {
	a := &attempt{}
	r2 := r.WithContext(context.WithValue(r.Context(), attemptKey{}, a))
	if body != nil {
		r2.Body = io.NopCloser(bytes.NewReader(body))
		r2.ContentLength = int64(len(body))
		// The Transport resends on a pooled connection found dead only
		// with GetBody (a replica SIGKILLed between requests).
		r2.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	}
	return r2, a
}
