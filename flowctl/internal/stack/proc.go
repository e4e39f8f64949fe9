package stack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// A pid file holds the pid on its first line, so `kill $(head -1 x.pid)` still
// works, and the exact command line flowctl started on the second (a JSON
// array). Before signalling anything flowctl compares that command line with
// /proc/<pid>/cmdline: a pid the kernel recycled for another program never
// matches, so it is never signalled.

// Proc is a process flowctl started, as its pid file records it.
type Proc struct {
	PID     int
	Cmdline []string
}

// WritePIDFile records p at path.
func WritePIDFile(path string, p Proc) error {
	cmd, err := json.Marshal(p.Cmdline)
	if err != nil {
		return fmt.Errorf("pid file %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("pid file: %w", err)
	}
	if err := os.WriteFile(path, fmt.Appendf(nil, "%d\n%s\n", p.PID, cmd), 0o644); err != nil {
		return fmt.Errorf("write pid file: %w", err)
	}
	return nil
}

// ReadPIDFile reads a pid file; a missing file is fs.ErrNotExist.
func ReadPIDFile(path string) (Proc, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Proc{}, err
	}
	first, rest, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(first))
	if err != nil || pid <= 0 {
		return Proc{}, fmt.Errorf("pid file %s: first line %q is not a pid", path, first)
	}
	p := Proc{PID: pid}
	if rest = strings.TrimSpace(rest); rest != "" {
		if err := json.Unmarshal([]byte(rest), &p.Cmdline); err != nil {
			return Proc{}, fmt.Errorf("pid file %s: second line is not the command line: %w", path, err)
		}
	}
	return p, nil
}

// Ours says whether p still runs the command flowctl started. A pid file
// without a command line is never ours: flowctl would have no way to tell.
// A zombie has an empty cmdline and so counts as gone.
func (p Proc) Ours() bool {
	if len(p.Cmdline) == 0 {
		return false
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", p.PID))
	if err != nil {
		return false
	}
	if len(b) == 0 {
		// Right after fork/exec the kernel wakes the parent before the new
		// program's arguments are in place, so cmdline reads empty for a
		// moment (seen on a busy CI machine). The exe link is already set
		// then; a zombie has none.
		exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", p.PID))
		return err == nil && exe == p.Cmdline[0] && Alive(p.PID)
	}
	got := strings.Split(strings.TrimSuffix(string(b), "\x00"), "\x00")
	return slices.Equal(got, p.Cmdline)
}

// RunningFromPIDFile returns the process a pid file names if it is still ours.
func RunningFromPIDFile(path string) (Proc, bool) {
	p, err := ReadPIDFile(path)
	if err != nil {
		return Proc{}, false
	}
	return p, p.Ours()
}

// Spec is a process to start detached.
type Spec struct {
	Args    []string // Args[0] is the binary (an absolute path)
	Env     []string
	Dir     string
	LogPath string
	PIDPath string
}

// StartDetached starts spec in its own process group, so a Ctrl-C in the
// terminal that ran flowctl does not reach it and `down` can signal it and
// anything it spawned at once. Output goes to LogPath (appended, so a restart
// keeps the earlier run's lines); the pid file is written before returning.
func StartDetached(spec Spec) (Proc, error) {
	name := filepath.Base(spec.Args[0])
	if err := os.MkdirAll(filepath.Dir(spec.LogPath), 0o755); err != nil {
		return Proc{}, fmt.Errorf("start %s: %w", name, err)
	}
	logf, err := os.OpenFile(spec.LogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return Proc{}, fmt.Errorf("start %s: open log: %w", name, err)
	}
	defer logf.Close() // the child has its own copy of the descriptor
	fmt.Fprintf(logf, "---- %s flowctl starts %s\n", time.Now().Format(time.RFC3339), strings.Join(spec.Args, " "))
	cmd := exec.Command(spec.Args[0], spec.Args[1:]...)
	cmd.Env = spec.Env
	cmd.Dir = spec.Dir
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return Proc{}, fmt.Errorf("start %s: %w", name, err)
	}
	// Reap the child if it exits while this flowctl still runs (demo, tests):
	// otherwise it lingers as a zombie. Once flowctl exits, init adopts it.
	go func() { _ = cmd.Wait() }()
	p := Proc{PID: cmd.Process.Pid, Cmdline: slices.Clone(spec.Args)}
	if err := WritePIDFile(spec.PIDPath, p); err != nil {
		_ = syscall.Kill(-p.PID, syscall.SIGKILL)
		return Proc{}, err
	}
	return p, nil
}

// StopResult says what Stop did.
type StopResult struct {
	Proc   Proc
	Found  bool // there was a pid file
	Ours   bool // and it named a live process flowctl started
	Killed bool // SIGTERM was not enough within the grace period
}

// Stop ends the process a pid file names, if it is still ours: SIGTERM to its
// process group, up to grace for it to exit, then SIGKILL. The pid file is
// removed in every case (a stale one only misleads the next run). A pid file
// that names someone else's process leaves that process alone.
func Stop(ctx context.Context, pidPath string, grace time.Duration) (StopResult, error) {
	p, err := ReadPIDFile(pidPath)
	if errors.Is(err, os.ErrNotExist) {
		return StopResult{}, nil
	}
	if err != nil {
		_ = os.Remove(pidPath)
		return StopResult{Found: true}, nil
	}
	res := StopResult{Proc: p, Found: true, Ours: p.Ours()}
	if res.Ours {
		if err := signalGroup(p.PID, syscall.SIGTERM); err != nil {
			return res, fmt.Errorf("stop pid %d: %w", p.PID, err)
		}
		if !waitGone(ctx, p, grace) {
			res.Killed = true
			_ = signalGroup(p.PID, syscall.SIGKILL)
			if !waitGone(ctx, p, 5*time.Second) {
				return res, fmt.Errorf("pid %d (%s) survived SIGKILL", p.PID, filepath.Base(p.Cmdline[0]))
			}
		}
	}
	if err := os.Remove(pidPath); err != nil && !errors.Is(err, os.ErrNotExist) {
		return res, fmt.Errorf("remove pid file: %w", err)
	}
	return res, nil
}

// signalGroup signals p's process group when p leads one (StartDetached makes
// it so), and only p otherwise.
func signalGroup(pid int, sig syscall.Signal) error {
	target := pid
	if pgid, err := syscall.Getpgid(pid); err == nil && pgid == pid {
		target = -pid
	}
	err := syscall.Kill(target, sig)
	if errors.Is(err, syscall.ESRCH) {
		return nil
	}
	return err
}

// waitGone polls until p is no longer ours (exited, or a zombie) or d passes.
func waitGone(ctx context.Context, p Proc, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for {
		if !p.Ours() {
			return true
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Alive reports whether pid exists and is not a zombie (for tests and the
// "no process left" check).
func Alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// The state follows the command name in parentheses, which may itself
	// contain spaces or parentheses: look after the last ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 || i+2 >= len(b) {
		return false
	}
	return b[i+2] != 'Z' && b[i+2] != 'X'
}
