package reset

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// Modes reads --mode: one stack, both (sync and events) or all.
func Modes(mode string) ([]stackmode.Mode, error) { return stackmode.ParseList(mode) }

// ModeList is modes as "sync+events".
func ModeList(modes []stackmode.Mode) string {
	parts := make([]string, len(modes))
	for i, m := range modes {
		parts[i] = string(m)
	}
	return strings.Join(parts, "+")
}

// Confirm asks on w and reads the answer from in: anything but "yes" is
// ErrNotConfirmed.
func Confirm(in io.Reader, w io.Writer, modes []stackmode.Mode) error {
	fmt.Fprintf(w, "reset deletes every order, reservation, invoice and event of the %s stack(s); type yes to go on: ", ModeList(modes))
	line, _ := bufio.NewReader(in).ReadString('\n')
	if strings.TrimSpace(strings.ToLower(line)) != "yes" {
		return fmt.Errorf("%w: nothing was deleted (answer yes, or pass --yes)", ErrNotConfirmed)
	}
	return nil
}

// Stacks resets modes' stacks where s says they run, saying each step on w.
func Stacks(ctx context.Context, s *stack.Stacks, modes []stackmode.Mode, w io.Writer) error {
	rt, err := s.Runtime(ctx)
	if err != nil {
		return err
	}
	return Run(ctx, Config{
		Modes:       modes,
		Services:    topology.Names(),
		Runtime:     rt,
		Brokers:     s.Brokers,
		TopicPrefix: s.TopicPrefix,
		Say:         func(f string, a ...any) { fmt.Fprintf(w, f+"\n", a...) },
	})
}
