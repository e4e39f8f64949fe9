package main

import (
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"

	"github.com/orderflow/flowctl/internal/stack"
)

// nativeCLI is a flowctl for one test's native stacks: its own run dir and
// free ports, and a cleanup that dumps the logs when the test failed, runs
// `down` and kills whatever the run dir's pid files still name.
func nativeCLI(t *testing.T) (c *cli, runDir string, base, brokerPort int) {
	t.Helper()
	runDir = t.TempDir()
	base, brokerPort = freeBase(t), freePort(t)
	c = &cli{t: t, env: map[string]string{}, common: []string{
		"--run-dir", runDir, "--port-base", strconv.Itoa(base), "--broker-port", strconv.Itoa(brokerPort),
	}}
	t.Cleanup(func() {
		if t.Failed() {
			dumpLogs(t, runDir)
		}
		pids := pidFiles(t, runDir)
		_, _, _ = c.run("down")
		for _, pid := range pids {
			if stack.Alive(pid) {
				_ = syscall.Kill(-pid, syscall.SIGKILL)
			}
		}
	})
	return c, runDir, base, brokerPort
}

// openToPostgres lets flowctl's own PostgreSQL use runDir: as root it runs
// as the user postgres, who must be able to enter the run dir, and a
// test's temporary directories are 0700.
func openToPostgres(t *testing.T, runDir string) {
	t.Helper()
	for _, d := range []string{runDir, filepath.Dir(runDir)} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
}
