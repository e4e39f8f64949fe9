// Package orderwatch follows one order live (`flowctl order watch`): it
// polls order-svc and prints each new step of the order's timeline the
// moment it appears, as text or one JSON object per step, until the order
// is final and what it held is undone (a FAILED or CANCELLED order's
// release and void, api.AwaitedCompensations), or the watch times out.
package orderwatch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/explain"
	"github.com/orderflow/flowctl/internal/report"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// Event is one line of `order watch --json` (NDJSON: one per step).
type Event struct {
	OrderID string  `json:"order_id"`
	Step    string  `json:"step"`
	Status  string  `json:"status"`
	AfterMS float64 `json:"after_ms"`
	Final   bool    `json:"final"`
	// Reason is why a FAILED, REJECTED or CANCELLED order ended (on the
	// step that made it final).
	Reason string `json:"reason,omitempty"`
}

// Config steers a watch.
type Config struct {
	// Every is how often order-svc is asked; Timeout ends a watch of an
	// order that does not become final.
	Every, Timeout time.Duration
	// JSON prints Events (NDJSON) and nothing else.
	JSON bool
}

// Check rejects a config that cannot watch.
func (c Config) Check() error {
	if c.Timeout < time.Second {
		return fmt.Errorf("--timeout %s: use at least 1s", c.Timeout)
	}
	if c.Every < 5*time.Millisecond || c.Every > 10*time.Second {
		return fmt.Errorf("--every %s: use 5ms to 10s", c.Every)
	}
	return nil
}

// Stack is the order-svc of one stack: its client, where it answers and
// the stack's mode (for the hint when it does not answer).
type Stack struct {
	Orders *api.Orders
	Base   string
	Mode   stackmode.Mode
}

// Order is the order to watch: an existing one by ID (or the short id the
// demo prints), or a new one Place places first.
type Order struct {
	ID    string
	Place *api.PlaceRequest
}

// Run finds or places the order, then prints each new step of its
// timeline on w until it is final. c has passed Check.
func Run(ctx context.Context, s Stack, o Order, c Config, w io.Writer) error {
	id, err := s.orderID(ctx, o, c.JSON, w)
	if err != nil {
		return err
	}
	return watch(ctx, s, id, c, w)
}

// ExitNotFinal is flowctl's exit status when --timeout passed before the
// order was done: the expected end of the exercises that pause a consumer,
// not a failure of the watch (1).
const ExitNotFinal = 2

// NotFinalError says the watch timed out with the order not done.
type NotFinalError struct{ msg string }

func (e *NotFinalError) Error() string { return e.msg }

// ExitCode is ExitNotFinal (main exits with it).
func (e *NotFinalError) ExitCode() int { return ExitNotFinal }

// orderID is o's full id, placing o first when it is new.
func (s Stack) orderID(ctx context.Context, o Order, quiet bool, w io.Writer) (string, error) {
	if o.Place == nil {
		id, err := s.Orders.ResolveID(ctx, o.ID)
		if err != nil {
			return "", explain.Unreachable(err, "order-svc at "+s.Base, string(s.Mode))
		}
		return id, nil
	}
	p, err := s.Orders.Place(ctx, *o.Place)
	if p.Order.ID == "" {
		return "", explain.Unreachable(err, "order-svc at "+s.Base, string(s.Mode))
	}
	if !quiet {
		fmt.Fprintf(w, "POST /orders → %d: order %s\n", p.HTTPStatus, report.ShortID(p.Order.ID))
	}
	return p.Order.ID, nil
}

// watch prints each new timeline step until the order is final and no
// compensation is awaited.
func watch(ctx context.Context, s Stack, id string, c Config, w io.Writer) error {
	orders := s.Orders
	p := printer{w: w, enc: json.NewEncoder(w), id: id, json: c.JSON}
	if !c.JSON {
		fmt.Fprintf(w, "watching order %s every %s (timeout %s)\n", id, c.Every, c.Timeout)
	}
	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	var last api.Order
	for {
		o, err := orders.Get(ctx, id)
		switch {
		case err == nil:
			last = o
			if err := p.steps(o); err != nil || o.Final && len(api.AwaitedCompensations(o)) == 0 {
				return err
			}
		case ctx.Err() != nil:
		default:
			p.unanswered(err) // order-svc may be stopped on purpose for a while: keep trying
		}
		select {
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) && last.Final {
				// Not the expected end of an exercise: what it held is stuck (exit 1).
				return fmt.Errorf("order %s is %s, yet after %s still waits for %s: what it holds was not undone; look at `flowctl dlq list` and `flowctl trace %s --mode %s`",
					id, last.Status, c.Timeout, strings.Join(api.AwaitedCompensations(last), " and "), report.ShortID(id), s.Mode)
			}
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return &NotFinalError{fmt.Sprintf("order %s is still %s after %s; watch again (`flowctl order watch --mode %[4]s %[5]s`), or look at `flowctl trace %[5]s --mode %[4]s`",
					id, last.Status, c.Timeout, s.Mode, report.ShortID(id))}
			}
			return explain.Interrupted(ctx, ctx.Err())
		case <-time.After(c.Every):
		}
	}
}
