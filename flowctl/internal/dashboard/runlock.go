package dashboard

import (
	"context"
	"errors"
	"net/http"
	"sync"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// Locker takes the run locks of modes for a run from the page (what says
// which, as other runs will show it) — stack.Stacks.Lock, shared with the
// CLI, so a scenario here and one in a terminal never run on one stack at
// once. release gives them back.
type Locker func(ctx context.Context, modes []stackmode.Mode, what string) (release func(), err error)

// holdStacks takes the run locks for a run the page asked for, or answers
// 409 with who holds a stack (the page shows the problem's detail).
func (s *Server) holdStacks(w http.ResponseWriter, r *http.Request, modes []stackmode.Mode, what string) (func(), bool) {
	if s.cfg.Lock == nil {
		return func() {}, true
	}
	release, err := s.cfg.Lock(r.Context(), modes, "flowctl dashboard → "+what)
	var busy *stack.BusyError
	switch {
	case errors.As(err, &busy):
		conflict(w, "The stack is busy", busy.Busy()+" — run again when it has ended")
		return nil, false
	case err != nil:
		failed(w, "Could not lock the stack", err)
		return nil, false
	}
	var once sync.Once
	return func() { once.Do(release) }, true
}
