package native

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseProcStat(t *testing.T) {
	b, err := os.ReadFile("testdata/proc/101/stat")
	if err != nil {
		t.Fatal(err)
	}
	st, err := parseProcStat(b)
	if err != nil {
		t.Fatal(err)
	}
	// The command "a (b) c" holds spaces and parentheses: the fields must
	// still be counted from the last ')'.
	if st.PID != 101 || st.PPID != 100 || st.State != 'S' || st.Ticks != 50 {
		t.Errorf("parsed %+v, want pid 101, ppid 100, state S, 30+20 ticks", st)
	}
	for _, bad := range []string{"", "101 no-parens S 1", "101 (x) S 1 2 3", "x (y) S 1 1 1 0 -1 0 0 0 0 0 1 2 0"} {
		if _, err := parseProcStat([]byte(bad)); err == nil {
			t.Errorf("parseProcStat(%q): no error", bad)
		}
	}
}

func TestParseVmRSS(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
		err  bool
	}{
		{"Name:\tx\nVmHWM:\t  9 kB\nVmRSS:\t    2020 kB\nThreads:\t1\n", 2020 * 1024, false},
		{"Name:\tkthreadd\nState:\tS\n", 0, false}, // kernel threads and zombies have none
		{"VmRSS:\t2020 MB\n", 0, true},
		{"VmRSS:\tlots kB\n", 0, true},
	} {
		got, err := parseVmRSS([]byte(c.in))
		if (err != nil) != c.err || got != c.want {
			t.Errorf("parseVmRSS(%q) = %d, %v; want %d, error %v", c.in, got, err, c.want, c.err)
		}
	}
}

// TestProcTree: pid 100's tree is 100 and its child 101; 102 below 101 is
// a zombie (not running) and 200 is someone else's.
func TestProcTree(t *testing.T) {
	u, err := procFS{root: "testdata/proc"}.tree(100)
	if err != nil {
		t.Fatal(err)
	}
	if u.Processes != 2 || u.RSSBytes != (20480+1024)*1024 || u.CPU != 3.5 {
		t.Errorf("tree(100) = %+v, want 2 processes, %d bytes, 3.5 s (350 ticks)", u, (20480+1024)*1024)
	}
	if _, err := (procFS{root: "testdata/proc"}).tree(4242); err == nil || !strings.Contains(err.Error(), "not running") {
		t.Errorf("tree of a missing pid: %v", err)
	}
}

// TestProcTreeSelf reads the real /proc: this test process has memory, and
// its CPU counter moves when it works (spins until a tick is counted).
func TestProcTreeSelf(t *testing.T) {
	self := procFS{root: "/proc"}
	first, err := self.tree(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if first.Processes < 1 || first.RSSBytes <= 0 {
		t.Errorf("tree(self) = %+v: a running test has a process and memory", first)
	}
	x := 0
	for range 200 {
		for i := range 1_000_000 {
			x += i % 7
		}
		u, err := self.tree(os.Getpid())
		if err != nil {
			t.Fatal(err)
		}
		if u.CPU > first.CPU {
			return
		}
	}
	t.Errorf("the CPU counter did not move after 200M iterations of work (%d)", x)
}

// TestLogDir: a file truncated to 64 MiB without writing (as Kafka
// preallocates an index) counts (almost) nothing in Written and Allocated,
// as du would say; written bytes count in both.
func TestLogDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "partitions", "orders.v1-0"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "partitions", "orders.v1-0", "0.dat"), make([]byte, 100_000), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, "sparse.index"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(64 << 20); err != nil {
		t.Fatal(err)
	}
	f.Close()
	got, err := logDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got.Written != 100_000 || got.Path != dir {
		t.Errorf("Written = %d (%s), want the 100000 bytes written and nothing of the sparse file", got.Written, got.Path)
	}
	if got.Allocated < 100_000 || got.Allocated >= 64<<20 {
		t.Errorf("Allocated = %d, want the written 100000 bytes (rounded up to blocks) and not the sparse file's 64 MiB", got.Allocated)
	}
	if _, err := logDir(filepath.Join(dir, "missing")); err == nil {
		t.Error("logDir of a missing dir: no error")
	}
}
