package stack

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/orderflow/flowctl/internal/stackmode"
)

// Layout says where a run dir keeps its files. Everything flowctl writes
// lives under RunDir except the Jaeger binary, which is cached outside it so
// `make clean` does not throw away a 2–5 minute build.
type Layout struct {
	Root   string // the repository root (the directory holding go.work)
	RunDir string // usually Root/.run
}

// FindRoot walks up from dir to the directory that holds go.work.
func FindRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("find repository root: %w", err)
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.work")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no go.work found in %s or above: run flowctl inside the orderflow repository", dir)
		}
	}
}

// NewLayout finds the repository root from dir; runDir "" means Root/.run.
func NewLayout(dir, runDir string) (Layout, error) {
	root, err := FindRoot(dir)
	if err != nil {
		return Layout{}, err
	}
	if runDir == "" {
		runDir = filepath.Join(root, ".run")
	}
	runDir, err = filepath.Abs(runDir)
	if err != nil {
		return Layout{}, fmt.Errorf("run dir: %w", err)
	}
	return Layout{Root: root, RunDir: runDir}, nil
}

// The run dir's files, one method each so no path is spelled twice.

func (l Layout) BinDir() string        { return filepath.Join(l.RunDir, "bin") }
func (l Layout) Bin(svc string) string { return filepath.Join(l.BinDir(), svc) }
func (l Layout) BrokerPID() string     { return filepath.Join(l.RunDir, "broker.pid") }
func (l Layout) BrokerLog() string     { return filepath.Join(l.RunDir, "logs", "broker.log") }
func (l Layout) KafkaData() string     { return filepath.Join(l.RunDir, "kafka-data") }
func (l Layout) JaegerPID() string     { return filepath.Join(l.RunDir, "jaeger.pid") }
func (l Layout) JaegerLog() string     { return filepath.Join(l.RunDir, "logs", "jaeger.log") }

// LockFile is a stack's run lock (lock.go): outside the mode's directory,
// which a wipe removes while the lock is held.
func (l Layout) LockFile(m stackmode.Mode) string {
	return filepath.Join(l.RunDir, "locks", string(m)+".lock")
}

// The repository's files flowctl reads.

func (l Layout) JaegerConfig() string {
	return filepath.Join(l.Root, "deploy", "jaeger", "config.yaml")
}
func (l Layout) JaegerModule() string { return filepath.Join(l.Root, "tools", "jaeger") }

// Each mode's files live in their own directory, so both stacks run at once.

func (l Layout) ModeDir(m stackmode.Mode) string { return filepath.Join(l.RunDir, string(m)) }
func (l Layout) ServicePID(m stackmode.Mode, svc string) string {
	return filepath.Join(l.ModeDir(m), svc+".pid")
}
func (l Layout) ServiceLog(m stackmode.Mode, svc string) string {
	return filepath.Join(l.ModeDir(m), "logs", svc+".log")
}

// FraudCheckFile exists while mode's stack runs with the fraud check on, so
// a later flowctl (start, stop, a scenario) starts its services alike.
func (l Layout) FraudCheckFile(m stackmode.Mode) string {
	return filepath.Join(l.ModeDir(m), "fraud-check-on")
}
func (l Layout) DB(m stackmode.Mode, svc string) string {
	return filepath.Join(l.ModeDir(m), svc+".db")
}

// Rel shows path relative to the repository root when it lies inside it, so
// output lines stay short and copy-pasteable from the root.
func (l Layout) Rel(path string) string {
	if r, err := filepath.Rel(l.Root, path); err == nil && r != ".." && !filepath.IsAbs(r) && !startsWithDotDot(r) {
		return r
	}
	return path
}

func startsWithDotDot(p string) bool {
	return len(p) >= 3 && p[:3] == ".."+string(filepath.Separator)
}

// ParseMode accepts one stack by name or alias (stackmode.Parse).
func ParseMode(s string) (stackmode.Mode, error) { return stackmode.Parse(s) }

// ParseModes accepts one stack, both (sync and events) or all.
func ParseModes(s string) ([]stackmode.Mode, error) { return stackmode.ParseList(s) }

// Modes are every stack, in the order status and down report them.
var Modes = stackmode.All
