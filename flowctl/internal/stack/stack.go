// Package stack is the vocabulary every runtime shares: where the stacks
// are (Stacks, built once per run), the run dir's Layout, ports and URLs,
// the processes flowctl starts (pid files), and the Runtime interface that
// stack/native and stack/docker implement.
package stack

import (
	"errors"
	"fmt"
	"time"

	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/platform/topology"
)

// Step is one finished step of bringing a stack up, for the caller to print.
type Step struct {
	Name   string
	Detail string
	Took   time.Duration
}

// Stack is a running stack.
type Stack struct {
	Mode    stackmode.Mode    `json:"mode"`
	URLs    map[string]string `json:"urls"` // by service
	Brokers []string          `json:"brokers,omitempty"`
	Jaeger  bool              `json:"jaeger"`
	// JaegerUI says Jaeger's own UI answers (Runtime.JaegerUI; Stacks.Up
	// sets it): only then is a link into it printed.
	JaegerUI bool `json:"jaeger_ui"`
}

// OrderURL is the base URL of the stack's order-svc.
func (s Stack) OrderURL() string { return s.URLs[topology.OrderSvc] }

// StackURLs are the base URLs of mode's services for a port base.
func StackURLs(base int, m stackmode.Mode) map[string]string {
	urls := map[string]string{}
	for _, svc := range topology.Names() {
		urls[svc] = URL(ServicePort(base, m, svc))
	}
	return urls
}

// StartError says a process did not become ready; Tail is the end of its log.
type StartError struct {
	What string
	Log  string
	Tail []string
	Err  error
}

func (e *StartError) Error() string {
	how := "did not become ready"
	if errors.Is(e.Err, ErrExited) {
		how = "exited before it was ready"
	} else if e.Err != nil {
		how += " (" + e.Err.Error() + ")"
	}
	return fmt.Sprintf("%s %s; see its log %s (last lines above); `flowctl down` stops the rest", e.What, how, e.Log)
}

func (e *StartError) Unwrap() error { return e.Err }

// CheckPortBase rejects a port base whose stacks would not fit in the
// unprivileged port range.
func CheckPortBase(n int) error {
	if n < 1024 || n > 65000 {
		return fmt.Errorf("%d: use a number from 1024 to 65000 (the stacks use base+1…3, base+101…103 and base+201…203)", n)
	}
	return nil
}
