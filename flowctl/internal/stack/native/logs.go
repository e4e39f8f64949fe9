package native

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/orderflow/flowctl/internal/stack"
)

// Logs prints the last lines of every log file in the run dir: the broker's,
// Jaeger's and the dashboard's, then each stack's services'.
func (r *Runtime) Logs(_ context.Context, w io.Writer, lines int) (bool, error) {
	files, _ := filepath.Glob(filepath.Join(r.l.RunDir, "*", "logs", "*.log"))
	more, _ := filepath.Glob(filepath.Join(r.l.RunDir, "logs", "*.log"))
	more = append(more, r.l.PostgresLog()) // flowctl's own PostgreSQL's, when it ran
	shown := false
	for _, f := range append(more, files...) {
		if _, err := os.Stat(f); err != nil {
			continue
		}
		fmt.Fprintf(w, "==> %s <==\n", r.l.Rel(f))
		for _, line := range stack.TailFile(f, lines) {
			fmt.Fprintln(w, line)
		}
		shown = true
	}
	return shown, nil
}
