package balancer

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"
)

// Counts are what the balancer counted since it started: what a scale-in
// cost callers besides the requests that failed outright (GET /counts on
// the control API).
type Counts struct {
	// Retried are requests sent to another replica after one refused the
	// connection (they never reached it: the caller only waited).
	Retried int64 `json:"retried"`
	// Refused are connections a replica refused.
	Refused int64 `json:"refused"`
	// Failed are requests the balancer answered with an error itself: no
	// replica ready (503), or the last try's replica did not answer (502).
	Failed int64 `json:"failed"`
}

// counters are Counts as they are counted, from every request's goroutine.
type counters struct{ retried, refused, failed atomic.Int64 }

// Counts are the counts now.
func (b *Balancer) Counts() Counts {
	return Counts{Retried: b.counts.retried.Load(), Refused: b.counts.refused.Load(), Failed: b.counts.failed.Load()}
}

func (b *Balancer) serveCounts(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(b.Counts())
}

// Counts asks the balancer for its counts.
func (c Client) Counts(ctx context.Context) (Counts, error) {
	var out Counts
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+c.Addr+"/counts", nil)
	if err != nil {
		return out, fmt.Errorf("balancer control %s: %w", c.Addr, err)
	}
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 5 * time.Second}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return out, fmt.Errorf("balancer control %s: %w", c.Addr, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return out, fmt.Errorf("balancer control %s: GET /counts answered %s", c.Addr, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return out, fmt.Errorf("balancer control %s: /counts: %w", c.Addr, err)
	}
	return out, nil
}
