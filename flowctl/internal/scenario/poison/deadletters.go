package poison

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/orderflow/flowctl/internal/kafkalog"
	"github.com/orderflow/flowctl/internal/scenario/kit"
)

// waitDeadLetters polls the dead-letter topics until the event with id is
// there from every group of want (each group that consumes its topic
// dead-letters its own copy), or the wait ends with only some of them. It
// returns them and when the first was seen.
func waitDeadLetters(ctx context.Context, e *kit.Env, t kit.Target, id string, since time.Time, want []string) ([]kafkalog.DLQEntry, time.Time, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var found []kafkalog.DLQEntry
	var firstSeen time.Time
	for {
		all, err := kafkalog.ListDLQ(ctx, e.Brokers, e.Log(t))
		if err != nil && ctx.Err() == nil {
			return nil, firstSeen, fmt.Errorf("list dead letters: %w", err)
		}
		found = found[:0]
		for _, d := range all {
			if d.EventID == id {
				found = append(found, d)
			}
		}
		if len(found) > 0 && firstSeen.IsZero() {
			firstSeen = time.Now()
		}
		if len(found) > 0 && len(missingGroups(found, want)) == 0 {
			return found, firstSeen, nil
		}
		select {
		case <-ctx.Done():
			if len(found) > 0 {
				return found, firstSeen, nil
			}
			return nil, firstSeen, fmt.Errorf("the malformed event was not dead-lettered within %s: are the consumers running? (`flowctl logs` shows their logs)", time.Since(since).Round(time.Second))
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// nextOrder places one good order and returns its time to consistency (ms);
// an error when it does not become CONFIRMED.
func nextOrder(ctx context.Context, e *kit.Env, t kit.Target) (float64, error) {
	res, err := e.Batch(ctx, t, "next order", 1, 1, nil)
	if err != nil {
		return -1, err
	}
	if _, err := e.Follow(ctx, t, "next order", &res); err != nil {
		return -1, err
	}
	p := res.Orders[0]
	if p.Order.Status != "CONFIRMED" || p.Order.TimeToFinalMS == nil {
		return -1, fmt.Errorf("the next good order ended %s (%s): the flow did not go on", p.Status(), p.Order.Reason+p.Problem+p.Err)
	}
	return *p.Order.TimeToFinalMS, nil
}

// postRaw posts a body as JSON, returning the status and content type.
func postRaw(ctx context.Context, url, body string) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		return 0, "", fmt.Errorf("POST %s: %w", url, err)
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	return res.StatusCode, res.Header.Get("Content-Type"), nil
}

// missingGroups are the groups of want with no dead letter among found.
func missingGroups(found []kafkalog.DLQEntry, want []string) []string {
	var out []string
	for _, g := range want {
		if !slices.ContainsFunc(found, func(d kafkalog.DLQEntry) bool { return d.Group == g }) {
			out = append(out, g)
		}
	}
	return out
}
