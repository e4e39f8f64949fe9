package balancer

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"time"
)

// ControlHandler is the balancer's control API, served on a loopback port
// of its own (never the service's): GET /backends lists them, PUT
// /backends (a JSON list of host:port) sets the rotation, GET /counts
// says what it retried, saw refused and failed (Counts).
func (b *Balancer) ControlHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /backends", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(b.Backends())
	})
	mux.HandleFunc("GET /counts", b.serveCounts)
	mux.HandleFunc("PUT /backends", func(w http.ResponseWriter, r *http.Request) {
		var addrs []string
		if err := json.NewDecoder(r.Body).Decode(&addrs); err != nil {
			writeProblem(w, http.StatusBadRequest, "body: a JSON list of host:port: "+err.Error())
			return
		}
		b.Set(addrs)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(b.Backends())
	})
	return mux
}

// Client talks to a balancer's control API at Addr.
type Client struct {
	Addr string
	HTTP *http.Client
}

// Backends lists the balancer's backends.
func (c Client) Backends(ctx context.Context) ([]Backend, error) {
	var out []Backend
	return out, c.do(ctx, http.MethodGet, nil, &out)
}

// Set makes addrs the rotation.
func (c Client) Set(ctx context.Context, addrs []string) error {
	body, err := json.Marshal(addrs)
	if err != nil {
		return err
	}
	return c.do(ctx, http.MethodPut, body, nil)
}

// WaitDrained returns once none of addrs is a backend any more: out of
// rotation and with no request of theirs in flight.
func (c Client) WaitDrained(ctx context.Context, addrs []string, poll time.Duration) error {
	for {
		bes, err := c.Backends(ctx)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(bes, func(be Backend) bool { return slices.Contains(addrs, be.Addr) }) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("drain %v: %w", addrs, ctx.Err())
		case <-time.After(poll):
		}
	}
}

func (c Client) do(ctx context.Context, method string, body []byte, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, "http://"+c.Addr+"/backends", bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("balancer control %s: %w", c.Addr, err)
	}
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 5 * time.Second}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("balancer control %s: %w", c.Addr, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("balancer control %s: %s %s answered %s", c.Addr, method, "/backends", resp.Status)
	}
	if out == nil {
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("balancer control %s: %w", c.Addr, err)
	}
	return nil
}
