package investigate

import (
	"context"
	"errors"
	"fmt"
	"syscall"
	"time"

	"github.com/orderflow/platform/retry"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/stack"
)

// How long Await waits for spans. The services export in batches every
// second (OTEL_BSP_SCHEDULE_DELAY=1000), so an order placed a moment ago may
// not be in Jaeger yet, or only in part.
const (
	awaitWait     = 10 * time.Second
	awaitPoll     = 500 * time.Millisecond
	awaitSettling = 2500 * time.Millisecond // after the order's last change: its spans have been exported
)

// Await investigates until the order's spans are in Jaeger: it retries
// while none are, and once more after the last batch of the order's spans
// must have been exported (lastChange is when the order last changed), so a
// fresh order is not shown half-done.
func Await(ctx context.Context, j *api.Jaeger, in Input, lastChange time.Time) (Investigation, error) {
	ctx, cancel := context.WithTimeout(ctx, awaitWait)
	defer cancel()
	for {
		inv, err := ForOrder(ctx, j, in)
		switch {
		case err == nil && time.Since(lastChange) >= awaitSettling:
			return inv, nil
		case err == nil:
			if !retry.Sleep(ctx, time.Until(lastChange.Add(awaitSettling))) {
				return inv, nil // deadline: what is there is the answer
			}
			lastChange = time.Time{} // settled now: the next answer is final
			continue
		case errors.Is(err, api.ErrTraceNotFound), api.IsServerError(err):
			if !retry.Sleep(ctx, awaitPoll) {
				return inv, gaveUp(ctx, in, err)
			}
		case errors.Is(err, syscall.ECONNREFUSED):
			return inv, fmt.Errorf("Jaeger does not answer at %s; start a stack with `flowctl up`", stack.JaegerUI)
		case errors.Is(err, context.DeadlineExceeded):
			return inv, fmt.Errorf("Jaeger at %s did not answer within %s: is it overloaded? Try again", stack.JaegerUI, awaitWait)
		default:
			return inv, err
		}
	}
}

// gaveUp says why Await stopped waiting for spans that were not there, or
// Jaeger kept failing, when ctx ended.
func gaveUp(ctx context.Context, in Input, err error) error {
	if ctx.Err() == context.DeadlineExceeded && api.IsServerError(err) {
		return fmt.Errorf("Jaeger at %s kept failing for %s (see its log): %w", stack.JaegerUI, awaitWait, err)
	}
	if ctx.Err() == context.DeadlineExceeded {
		return fmt.Errorf("Jaeger at %s has no span of order %s%s after %s: is the stack exporting traces (OTEL_EXPORTER_OTLP_ENDPOINT)? Jaeger keeps spans in memory, so a restarted Jaeger has lost older ones",
			stack.JaegerUI, in.OrderID, traceOf(in.TraceID), awaitWait)
	}
	return ctx.Err()
}

func traceOf(id string) string {
	if id == "" {
		return ""
	}
	return " (trace " + id + ")"
}
