package stack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"time"

	"github.com/orderflow/flowctl/internal/stackmode"
)

// A run (scenario, load, bench, reset, demo, walkthrough — from the CLI or
// the dashboard) holds an flock(2) on a file per stack it uses, so two runs
// on one stack cannot spoil each other's measurements (issue 20, item 4).
// The kernel drops the lock when its process dies: no stale lock survives a
// kill. flock conflicts between two opens in one process too, so the
// dashboard's in-process runs exclude each other and the CLI's alike.

// Holder is who holds a stack's lock, written inside its lock file.
type Holder struct {
	Command string    `json:"command"`
	PID     int       `json:"pid"`
	Since   time.Time `json:"since"`
}

// BusyError says a stack is held by another run.
type BusyError struct {
	Mode   stackmode.Mode
	Holder Holder
}

func (e *BusyError) Error() string { return e.Busy() + " — wait for it, or pass --wait" }

// Busy is the refusal without the CLI's advice (the dashboard has no --wait).
func (e *BusyError) Busy() string {
	return fmt.Sprintf("the %s stack is busy: %s", e.Mode, e.Holder.describe())
}

// describe is "`cmd` (pid 4242) since 20:01:02", or what is known of it.
func (h Holder) describe() string {
	if h.PID == 0 {
		return "another run (it has not said who it is yet)"
	}
	return fmt.Sprintf("`%s` (pid %d) since %s", h.Command, h.PID, h.Since.Local().Format("15:04:05"))
}

// Lease is the locks a run holds; Release gives them back.
type Lease struct{ files []*os.File }

// Release unlocks every stack of the lease (safe on nil and twice). The
// holder's text is cleared first, so a reader never sees a gone holder.
func (l *Lease) Release() {
	if l == nil {
		return
	}
	for _, f := range l.files {
		_ = f.Truncate(0)
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		_ = f.Close()
	}
	l.files = nil
}

// LockWait says what to do when a stack is busy: Wait polls until it is
// free (or ctx ends), calling Waiting once per busy stack; otherwise Lock
// refuses with a *BusyError.
type LockWait struct {
	Wait    bool
	Waiting func(*BusyError)
}

// lockPoll is how often a waiting run tries again.
const lockPoll = 100 * time.Millisecond

// Lock takes the run lock of each of modes (in Modes' order, so two runs
// never wait on each other crosswise) for command, or none of them.
func (s *Stacks) Lock(ctx context.Context, modes []stackmode.Mode, command string, w LockWait) (*Lease, error) {
	l, err := s.Layout()
	if err != nil {
		return nil, err
	}
	lease := &Lease{}
	for _, m := range Modes {
		if !slices.Contains(modes, m) {
			continue
		}
		f, err := lockFile(ctx, l.LockFile(m), m, Holder{Command: command, PID: os.Getpid(), Since: time.Now()}, w)
		if err != nil {
			lease.Release()
			return nil, err
		}
		lease.files = append(lease.files, f)
	}
	return lease, nil
}

// lockFile opens path, takes its flock and writes who inside.
func lockFile(ctx context.Context, path string, m stackmode.Mode, who Holder, w LockWait) (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("lock the %s stack: %w", m, err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock the %s stack: %w", m, err)
	}
	said := false
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			break
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("lock the %s stack (%s): %w", m, path, err)
		}
		busy := &BusyError{Mode: m, Holder: readHolder(path)}
		if !w.Wait {
			f.Close()
			return nil, busy
		}
		if !said && w.Waiting != nil {
			w.Waiting(busy)
			said = true
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("waiting for the %s stack: %w", m, ctx.Err())
		case <-time.After(lockPoll):
		}
	}
	if err := writeHolder(f, who); err != nil {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
		return nil, fmt.Errorf("lock the %s stack: write the holder: %w", m, err)
	}
	return f, nil
}

func writeHolder(f *os.File, who Holder) error {
	b, err := json.Marshal(who)
	if err != nil {
		return err
	}
	if err := f.Truncate(0); err != nil {
		return err
	}
	_, err = f.WriteAt(append(b, '\n'), 0)
	return err
}

// readHolder reads who holds path; a holder that has just taken the lock
// may not have written yet, so an empty file is read again a few times.
func readHolder(path string) Holder {
	var h Holder
	for range 5 {
		b, err := os.ReadFile(path)
		if err == nil && json.Unmarshal(b, &h) == nil && h.PID != 0 {
			return h
		}
		time.Sleep(20 * time.Millisecond)
	}
	return Holder{}
}

// Waiting is the line a waiting run prints once per busy stack.
func (e *BusyError) Waiting() string {
	return fmt.Sprintf("the %s stack is busy: waiting for %s to end", e.Mode, e.Holder.describe())
}
