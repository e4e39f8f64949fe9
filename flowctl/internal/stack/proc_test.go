package stack

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"
)

// waitDead polls until pid is gone (or a zombie), failing after d.
func waitDead(t *testing.T, pid int, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for Alive(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("pid %d still alive after %s", pid, d)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func sleepBin(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep binary")
	}
	return p
}

func TestPIDFileRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x", "a.pid")
	want := Proc{PID: 4242, Cmdline: []string{"/bin/x", "--flag", "a b"}}
	if err := WritePIDFile(path, want); err != nil {
		t.Fatal(err)
	}
	got, err := ReadPIDFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.PID != want.PID || len(got.Cmdline) != 3 || got.Cmdline[2] != "a b" {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if _, err := ReadPIDFile(filepath.Join(t.TempDir(), "none.pid")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing pid file: err = %v, want ErrNotExist", err)
	}
	bad := filepath.Join(t.TempDir(), "bad.pid")
	os.WriteFile(bad, []byte("not-a-pid\n"), 0o644)
	if _, err := ReadPIDFile(bad); err == nil {
		t.Error("garbage pid file: no error")
	}
}

func TestStartDetachedAndStop(t *testing.T) {
	dir := t.TempDir()
	spec := Spec{
		Args:    []string{sleepBin(t), "300"},
		LogPath: filepath.Join(dir, "logs", "sleep.log"),
		PIDPath: filepath.Join(dir, "sleep.pid"),
	}
	p, err := StartDetached(spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Kill(p.PID, syscall.SIGKILL) })
	if !p.Ours() {
		t.Fatalf("started process %d is not recognised as ours", p.PID)
	}
	if got, ok := RunningFromPIDFile(spec.PIDPath); !ok || got.PID != p.PID {
		t.Fatalf("RunningFromPIDFile = %+v, %v", got, ok)
	}
	// Its own process group: a Ctrl-C in flowctl's terminal does not reach it.
	if pgid, _ := syscall.Getpgid(p.PID); pgid != p.PID {
		t.Errorf("pgid = %d, want %d", pgid, p.PID)
	}

	res, err := Stop(context.Background(), spec.PIDPath, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Found || !res.Ours || res.Killed {
		t.Errorf("Stop = %+v, want found, ours, not killed", res)
	}
	waitDead(t, p.PID, 5*time.Second)
	if _, err := os.Stat(spec.PIDPath); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("pid file still there: %v", err)
	}

	// Nothing to stop: no error, nothing found.
	res, err = Stop(context.Background(), spec.PIDPath, time.Second)
	if err != nil || res.Found {
		t.Errorf("second Stop = %+v, %v", res, err)
	}
}

func TestStopEscalatesToSIGKILL(t *testing.T) {
	dir := t.TempDir()
	// A shell that ignores SIGTERM stands in for a wedged service.
	spec := Spec{
		Args:    []string{"/bin/sh", "-c", "trap '' TERM; echo trapped; while :; do sleep 0.05; done"},
		LogPath: filepath.Join(dir, "stubborn.log"),
		PIDPath: filepath.Join(dir, "stubborn.pid"),
	}
	if _, err := os.Stat(spec.Args[0]); err != nil {
		t.Skip("no /bin/sh")
	}
	p, err := StartDetached(spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Kill(-p.PID, syscall.SIGKILL) })
	// Signal only once the trap is in place.
	deadline := time.Now().Add(5 * time.Second)
	for !slices.Contains(TailFile(spec.LogPath, 5), "trapped") {
		if time.Now().After(deadline) {
			t.Fatal("the shell never set its trap")
		}
		time.Sleep(10 * time.Millisecond)
	}
	res, err := Stop(context.Background(), spec.PIDPath, 300*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Killed {
		t.Errorf("Stop = %+v, want Killed", res)
	}
	waitDead(t, p.PID, 5*time.Second)
}

func TestStopLeavesOtherProcessesAlone(t *testing.T) {
	// A process flowctl did not start, whose pid ends up in a pid file (a
	// recycled pid, or a hand-edited file): it must not be signalled.
	other := exec.Command(sleepBin(t), "300")
	if err := other.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = other.Process.Kill(); _ = other.Wait() })

	dir := t.TempDir()
	for name, cmdline := range map[string][]string{
		"recorded command differs": {"/work/.run/bin/order-svc"},
		"no command recorded":      nil,
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, "x.pid")
			if err := WritePIDFile(path, Proc{PID: other.Process.Pid, Cmdline: cmdline}); err != nil {
				t.Fatal(err)
			}
			res, err := Stop(context.Background(), path, time.Second)
			if err != nil {
				t.Fatal(err)
			}
			if !res.Found || res.Ours {
				t.Errorf("Stop = %+v, want found and not ours", res)
			}
			if !Alive(other.Process.Pid) {
				t.Fatal("a process flowctl did not start was signalled")
			}
			if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("stale pid file not removed: %v", err)
			}
		})
	}
}
