package report

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// Progress draws a progress bar for long steps. On a terminal it redraws one
// line in place; elsewhere (a pipe, CI's log) it prints a line when a step
// finishes, so logs stay readable.
type Progress struct {
	w     io.Writer
	tty   bool
	mu    sync.Mutex
	label string
	last  time.Time
	drawn bool
}

// NewProgress draws on w; tty says whether w is a terminal.
func NewProgress(w io.Writer, tty bool) *Progress { return &Progress{w: w, tty: tty} }

// Update shows done of total for label.
func (p *Progress) Update(label string, done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	finished := done >= total
	if !p.tty {
		if finished && label != p.label {
			fmt.Fprintf(p.w, "    %s %d/%d\n", label, done, total)
			p.label = label
		}
		return
	}
	// Redraw at most 20 times a second, and always the final state.
	if !finished && label == p.label && time.Since(p.last) < 50*time.Millisecond {
		return
	}
	p.label, p.last = label, time.Now()
	fmt.Fprintf(p.w, "\r\033[K    %s %s", Bar(done, total, 30), label)
	p.drawn = true
	if finished {
		fmt.Fprintln(p.w)
		p.drawn = false
	}
}

// Done ends a bar left unfinished (an interrupted step).
func (p *Progress) Done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprintln(p.w)
		p.drawn = false
	}
}

// Bar is "[██████······] 12/40" width cells wide.
func Bar(done, total, width int) string {
	if total <= 0 {
		total = 1
	}
	done = min(max(done, 0), total)
	full := done * width / total
	return fmt.Sprintf("[%s%s] %d/%d", strings.Repeat("█", full), strings.Repeat("·", width-full), done, total)
}
