package native

import (
	"context"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/stack"
)

func TestDownStopsOnlyPidFiles(t *testing.T) {
	l := stack.Layout{Root: t.TempDir()}
	l.RunDir = filepath.Join(l.Root, ".run")
	p, err := stack.StartDetached(stack.Spec{Args: []string{sleepBin(t), "300"}, LogPath: l.ServiceLog("sync", "order-svc"), PIDPath: l.ServicePID("sync", "order-svc")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Kill(p.PID, syscall.SIGKILL) })
	// events only: the sync one stays.
	stopped, err := Down(context.Background(), l, stack.Modes[1:], false)
	if err != nil || len(stopped) != 0 {
		t.Fatalf("Down(events) = %+v, %v", stopped, err)
	}
	if !p.Ours() {
		t.Fatal("Down(events) stopped a sync service")
	}
	stopped, err = Down(context.Background(), l, stack.Modes, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(stopped) != 1 || stopped[0].PID != p.PID || stopped[0].What != "order-svc (sync)" || stopped[0].Stale {
		t.Errorf("Down(all) = %+v", stopped)
	}
	waitDead(t, p.PID, 5*time.Second)
}

// waitDead polls until pid is gone (or a zombie), failing after d.
func waitDead(t *testing.T, pid int, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for stack.Alive(pid) {
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
