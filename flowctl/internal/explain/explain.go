// Package explain turns the error of a call into a stack into what the user
// should read: a service that does not answer says which stack to start, an
// interrupt reads as one, and a process that did not start shows the end of
// its log. Commands and the packages they call share it, so each says it the
// same way.
package explain

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// Unreachable turns "connection refused" or a timeout calling what (e.g.
// "order-svc at http://…") into a hint about which stack to start; other
// errors pass unchanged.
func Unreachable(err error, what, mode string) error {
	if err == nil {
		return nil
	}
	why := ""
	var ne net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		why = "connection refused"
	case errors.As(err, &ne) && ne.Timeout():
		why = "timed out"
	default:
		return err
	}
	return fmt.Errorf("%s does not answer (%s); start the %s stack with `flowctl up --mode %s`", what, why, mode, mode)
}

// Interrupted keeps an interrupt from reading like a failure of the step it
// cut short.
func Interrupted(ctx context.Context, err error) error {
	if ctx.Err() != nil && errors.Is(err, context.Canceled) {
		return errors.New("interrupted")
	}
	return err
}

// StartFailure prints the end of a failed process's log on w before the
// one-line error, and returns err.
func StartFailure(w io.Writer, err error) error {
	if se, ok := errors.AsType[*stack.StartError](err); ok && len(se.Tail) > 0 {
		fmt.Fprintf(w, "---- last %d lines of %s ----\n", len(se.Tail), se.Log)
		for _, line := range se.Tail {
			fmt.Fprintln(w, line)
		}
		fmt.Fprintln(w, "----")
	}
	return err
}

// Up brings mode's stack up where s says (stack.Stacks.Up); when a process
// did not start, the end of its log goes to stderr first.
func Up(ctx context.Context, s *stack.Stacks, mode stackmode.Mode, o stack.UpOptions, stderr io.Writer) (stack.Stack, stack.Runtime, error) {
	st, rt, err := s.Up(ctx, mode, o)
	if err != nil {
		return st, rt, StartFailure(stderr, Interrupted(ctx, err))
	}
	return st, rt, nil
}
