package explain

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stack/stacktest"
	"github.com/orderflow/flowctl/internal/stackmode"
)

func TestUpExplainsAProcessThatDidNotStart(t *testing.T) {
	se := &stack.StartError{What: "inventory-svc (events)", Log: "logs/inv.log", Tail: []string{"panic: no db"}, Err: stack.ErrExited}
	rt := &stacktest.Runtime{UpErr: se}
	var stderr bytes.Buffer
	_, _, err := Up(context.Background(), stacktest.New(t, rt, nil), stackmode.Events, stack.UpOptions{}, &stderr)
	if !errors.Is(err, se) {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(stderr.String(), "---- last 1 lines of logs/inv.log ----\npanic: no db\n") {
		t.Errorf("stderr = %q", stderr.String())
	}
}

func TestUpReturnsTheStackAndRuntime(t *testing.T) {
	want := stack.Stack{Mode: stackmode.Sync, URLs: map[string]string{"x": "http://x"}}
	rt := &stacktest.Runtime{Stacks: map[stackmode.Mode]stack.Stack{stackmode.Sync: want}}
	var stderr bytes.Buffer
	st, got, err := Up(context.Background(), stacktest.New(t, rt, nil), stackmode.Sync, stack.UpOptions{}, &stderr)
	if err != nil || st.URLs["x"] != "http://x" || got.Runtime() != "fake" || stderr.Len() != 0 {
		t.Errorf("Up = %+v, %v, %v; stderr %q", st, got, err, stderr.String())
	}
	if ups := rt.Ups(); len(ups) != 1 || ups[0] != stackmode.Sync {
		t.Errorf("brought up %v", ups)
	}
}
