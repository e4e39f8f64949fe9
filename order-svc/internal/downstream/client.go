package downstream

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"

	"github.com/orderflow/order-svc/internal/downstream/client"
	"github.com/orderflow/order-svc/internal/order"
)

// newAPI is the client generated from docs/openapi.yaml, over hc (timeout,
// tracing). Building one is cheap: it only parses the base URL.
func newAPI(base string, hc *http.Client) (*client.ClientWithResponses, error) {
	return client.NewClientWithResponses(base, client.WithHTTPClient(hc))
}

func toLines(items []order.Line) []client.Line {
	out := make([]client.Line, 0, len(items))
	for _, l := range items {
		out = append(out, client.Line{SKU: l.SKU, Qty: l.Qty})
	}
	return out
}

// unexpected describes an answer the caller has no case for: its status and
// the problem's detail when the body is one.
func unexpected(res *http.Response, body []byte) error {
	var p client.Problem
	if json.Unmarshal(body, &p) != nil || p.Detail == "" {
		return fmt.Errorf("HTTP %d", res.StatusCode)
	}
	return fmt.Errorf("HTTP %d: %s", res.StatusCode, p.Detail)
}

// patient is hc without its per-call timeout, for compensations: their
// calls are bounded by their context (the compensation's own), because
// HTTP_CLIENT_TIMEOUT may be what just failed the call being undone, and a
// service slower than it must still be told to undo.
func patient(hc *http.Client) *http.Client {
	p := *hc
	p.Timeout = 0
	return &p
}

// unsent reports whether a transport error means the request never left:
// no connection could be made, so the service did nothing.
func unsent(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}
