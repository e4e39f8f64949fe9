package stack

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/platform/topology"
)

// lockHolderEnv makes the test binary, started again by these tests, a
// process holding the lock of the stacks in its value's run dir.
const lockHolderEnv = "FLOWCTL_TEST_LOCK_HOLDER"

func lockStacks(t *testing.T, root string) *Stacks {
	t.Helper()
	if err := os.WriteFile(filepath.Join(root, "go.work"), []byte("go 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f := Flags{Dir: root, PortBase: topology.DefaultPortBase, BrokerPort: 19092, Runtime: "native"}
	s, err := New(f, func(string) string { return "" }, []Provider{fakeProvider{kind: "native"}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestLockHolderProcess is the child: it takes the events lock, says so,
// and holds it until its stdin closes.
func TestLockHolderProcess(t *testing.T) {
	root := os.Getenv(lockHolderEnv)
	if root == "" {
		return // run as a test of its own: nothing to hold
	}
	s := lockStacks(t, root)
	lease, err := s.Lock(context.Background(), []stackmode.Mode{stackmode.Events}, "flowctl scenario downstream-down --mode events", LockWait{})
	if err != nil {
		fmt.Println("refused:", err)
		os.Exit(3)
	}
	fmt.Println("locked")
	_, _ = io.Copy(io.Discard, os.Stdin)
	lease.Release()
	os.Exit(0)
}

// startHolder starts the child and waits until it holds the lock.
func startHolder(t *testing.T, root string) (*exec.Cmd, io.WriteCloser) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockHolderProcess$")
	cmd.Env = append(os.Environ(), lockHolderEnv+"="+root)
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "locked" {
		t.Fatalf("holder said %q, %v", line, err)
	}
	return cmd, in
}

func TestLockRefusesASecondRunWithTheHolder(t *testing.T) {
	root := t.TempDir()
	s := lockStacks(t, root)
	holder, in := startHolder(t, root)
	defer in.Close()

	_, err := s.Lock(context.Background(), []stackmode.Mode{stackmode.Sync, stackmode.Events}, "flowctl load --mode both", LockWait{})
	var busy *BusyError
	if !errors.As(err, &busy) {
		t.Fatalf("a second run on a held stack: %v", err)
	}
	want := fmt.Sprintf("the events stack is busy: `flowctl scenario downstream-down --mode events` (pid %d) since ", holder.Process.Pid)
	if !strings.HasPrefix(err.Error(), want) || !strings.HasSuffix(err.Error(), " — wait for it, or pass --wait") {
		t.Errorf("refusal %q, want it to start %q", err, want)
	}
	// The sync lock taken on the way was given back: a sync-only run goes.
	lease, err := s.Lock(context.Background(), []stackmode.Mode{stackmode.Sync}, "flowctl load --mode sync", LockWait{})
	if err != nil {
		t.Fatalf("sync was left locked by the refused run: %v", err)
	}
	lease.Release()
}

func TestLockWaitAcquiresAfterTheHolderEnds(t *testing.T) {
	root := t.TempDir()
	s := lockStacks(t, root)
	holder, in := startHolder(t, root)
	said := 0
	acquired := make(chan error, 1)
	go func() {
		lease, err := s.Lock(context.Background(), []stackmode.Mode{stackmode.Events}, "flowctl reset --mode events", LockWait{
			Wait: true,
			Waiting: func(b *BusyError) {
				said++
				if b.Holder.PID != holder.Process.Pid {
					t.Errorf("waiting for pid %d, the holder is %d", b.Holder.PID, holder.Process.Pid)
				}
			},
		})
		lease.Release()
		acquired <- err
	}()
	select {
	case err := <-acquired:
		t.Fatalf("acquired while held: %v", err)
	case <-time.After(3 * lockPoll):
	}
	in.Close() // the holder releases and exits
	if err := <-acquired; err != nil {
		t.Fatal(err)
	}
	if said != 1 {
		t.Errorf("said it waits %d times, want once", said)
	}
}

func TestLockDiesWithItsProcess(t *testing.T) {
	root := t.TempDir()
	s := lockStacks(t, root)
	holder, _ := startHolder(t, root)
	if err := holder.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = holder.Wait()
	lease, err := s.Lock(context.Background(), []stackmode.Mode{stackmode.Events}, "flowctl scenario happy-path --mode events", LockWait{})
	if err != nil {
		t.Fatalf("a killed holder left its lock: %v", err)
	}
	lease.Release()
}

func TestLockExcludesRunsInOneProcess(t *testing.T) {
	s := lockStacks(t, t.TempDir())
	first, err := s.Lock(context.Background(), []stackmode.Mode{stackmode.Events}, "dashboard: load", LockWait{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Lock(context.Background(), []stackmode.Mode{stackmode.Events}, "dashboard: scenario", LockWait{}); err == nil {
		t.Error("two runs in one process both hold the events stack")
	}
	first.Release()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	again, err := s.Lock(ctx, []stackmode.Mode{stackmode.Events}, "dashboard: scenario", LockWait{Wait: true})
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	again.Release()
}
