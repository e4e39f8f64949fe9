package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// EchoChain is the HTTP baseline: three tiny servers on loopback in this
// process, the first calling the second calling the third, with no database
// and no tracing — what three REST hops cost before any work is done. A
// sync order makes the same kind of chain (order-svc → inventory-svc, then
// invoicing-svc), so the chain's ceiling is the sync mode's upper bound.
type EchoChain struct {
	servers []*http.Server
	entry   string
	client  *http.Client
}

// echoHops is how many servers the chain has.
const echoHops = 3

// echoBodySize is about the size of a small order's JSON.
const echoBodySize = 256

// StartEchoChain starts the three servers on free loopback ports.
func StartEchoChain() (*EchoChain, error) {
	e := &EchoChain{client: newHTTPClient()}
	next := ""
	// Built from the last hop backwards, so each server knows whom to call.
	for range echoHops {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			e.Close()
			return nil, fmt.Errorf("echo chain: %w", err)
		}
		srv := &http.Server{Handler: echoHandler(e.client, next), ReadHeaderTimeout: 5 * time.Second}
		go func() { _ = srv.Serve(ln) }()
		e.servers = append(e.servers, srv)
		next = "http://" + ln.Addr().String() + "/echo"
	}
	e.entry = next
	return e, nil
}

// echoHandler reads the body and, unless it is the last hop, passes it on
// and answers with what the next hop answered.
func echoHandler(c *http.Client, next string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if next != "" {
			body, err = post(r.Context(), c, next, body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
				return
			}
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		_, _ = w.Write(body)
	})
}

func post(ctx context.Context, c *http.Client, url string, body []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	res, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err == nil && res.StatusCode != http.StatusOK {
		err = fmt.Errorf("%s: HTTP %d", url, res.StatusCode)
	}
	return out, err
}

// Step sends requests into the chain at rate for d; a request is done when
// its answer came back, and its latency is the whole chain's.
func (e *EchoChain) Step(ctx context.Context, rate float64, d, settle time.Duration) (Step, error) {
	n := max(int(rate*d.Seconds()+0.5), 1)
	col := newCollector(n)
	body := make([]byte, echoBodySize)
	// Each call's own timeout is the settle bound past the step: an answer
	// later than that is a backlog anyway.
	callCtx, cancel := context.WithTimeout(ctx, d+settle)
	defer cancel()
	late, sentRate, err := Drive(callCtx, rate, n, maxInFlight, func(ctx context.Context, i int) {
		t := time.Now()
		_, err := post(ctx, e.client, e.entry, body)
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			return // not finished: counted as backlog
		}
		col.answered(time.Since(t))
		col.finish(i, time.Since(t), err != nil)
	})
	if ctx.Err() != nil {
		return Step{}, ctx.Err()
	}
	_ = err // a step cut short by its own deadline is a backlog, not an error
	return col.step(late, sentRate), nil
}

// Close stops the servers.
func (e *EchoChain) Close() {
	for _, s := range e.servers {
		_ = s.Close()
	}
	e.client.CloseIdleConnections()
}

// maxInFlight bounds what a bench client keeps waiting at once, for orders
// and baselines alike: enough for a few hundred ms of answers at the highest
// rates, few enough that a stalled target shows as late sends.
const maxInFlight = 512

// newHTTPClient keeps enough idle connections per host for maxInFlight
// requests: the default two would open and close a connection per request
// at high rates and measure the kernel's port churn instead of the target.
func newHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns, t.MaxIdleConnsPerHost = maxInFlight*2, maxInFlight
	return &http.Client{Transport: t, Timeout: 30 * time.Second}
}
