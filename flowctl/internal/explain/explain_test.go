package explain

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
	"testing"

	"github.com/orderflow/flowctl/internal/stack"
)

func TestUnreachable(t *testing.T) {
	refused := fmt.Errorf("get: %w", syscall.ECONNREFUSED)
	err := Unreachable(refused, "order-svc at http://x", "events")
	want := "order-svc at http://x does not answer (connection refused); start the events stack with `flowctl up --mode events`"
	if err == nil || err.Error() != want {
		t.Errorf("refused: %v", err)
	}
	timeout := &net.OpError{Op: "dial", Err: timeoutErr{}}
	if err := Unreachable(timeout, "inventory-svc", "sync"); err == nil || !strings.Contains(err.Error(), "(timed out); start the sync stack") {
		t.Errorf("timeout: %v", err)
	}
	other := errors.New("409 conflict")
	if err := Unreachable(other, "order-svc", "sync"); err != other {
		t.Errorf("other errors pass unchanged: %v", err)
	}
	if Unreachable(nil, "order-svc", "sync") != nil {
		t.Error("nil is nil")
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	wrapped := fmt.Errorf("place: %w", context.Canceled)
	if err := Interrupted(ctx, wrapped); err != wrapped {
		t.Errorf("a live context keeps the error: %v", err)
	}
	cancel()
	if err := Interrupted(ctx, wrapped); err == nil || err.Error() != "interrupted" {
		t.Errorf("cancelled: %v", err)
	}
	other := errors.New("boom")
	if err := Interrupted(ctx, other); err != other {
		t.Errorf("not a cancellation: %v", err)
	}
}

func TestStartFailure(t *testing.T) {
	var b bytes.Buffer
	se := &stack.StartError{What: "order-svc (sync)", Log: ".run/logs/order-svc-sync.log", Tail: []string{"a", "b"}, Err: stack.ErrExited}
	err := StartFailure(&b, fmt.Errorf("up: %w", se))
	if !errors.Is(err, se) {
		t.Errorf("err = %v", err)
	}
	want := "---- last 2 lines of .run/logs/order-svc-sync.log ----\na\nb\n----\n"
	if b.String() != want {
		t.Errorf("printed %q, want %q", b.String(), want)
	}
	b.Reset()
	plain := errors.New("no engine")
	if err := StartFailure(&b, plain); err != plain || b.Len() != 0 {
		t.Errorf("other errors print nothing: %v %q", err, b.String())
	}
}
