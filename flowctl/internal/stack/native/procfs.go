package native

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/orderflow/flowctl/internal/usage"
)

// clockTicks is USER_HZ, the unit of utime and stime in /proc/<pid>/stat.
// Linux fixes it at 100 for what /proc exports on every architecture Go
// supports (the kernel's own HZ may differ; the exported unit does not).
const clockTicks = 100

// procFS reads process usage under a /proc root (a fixture dir in tests).
type procFS struct{ root string }

// procStat is what usage needs from /proc/<pid>/stat.
type procStat struct {
	PID, PPID int
	State     byte // 'R', 'S', …; 'Z' a zombie
	// Ticks is utime+stime: CPU the process used, in clockTicks.
	Ticks uint64
}

// parseProcStat reads one /proc/<pid>/stat line. The command name sits in
// parentheses and may itself hold spaces or parentheses, so the fields are
// counted from after the last ')': state, ppid, …, utime (14th field of the
// line), stime (15th).
func parseProcStat(b []byte) (procStat, error) {
	open, end := bytes.IndexByte(b, '('), bytes.LastIndexByte(b, ')')
	if open < 1 || end < open {
		return procStat{}, fmt.Errorf("stat %q: no (comm)", excerpt(b))
	}
	pid, err := strconv.Atoi(string(bytes.TrimSpace(b[:open])))
	if err != nil {
		return procStat{}, fmt.Errorf("stat %q: pid: %w", excerpt(b), err)
	}
	f := strings.Fields(string(b[end+1:]))
	// f[0] is field 3 (state): field n is f[n-3].
	if len(f) < 13 {
		return procStat{}, fmt.Errorf("stat %q: %d fields after the command, want at least 13", excerpt(b), len(f))
	}
	ppid, err1 := strconv.Atoi(f[1])
	utime, err2 := strconv.ParseUint(f[11], 10, 64)
	stime, err3 := strconv.ParseUint(f[12], 10, 64)
	if err := errors.Join(err1, err2, err3); err != nil {
		return procStat{}, fmt.Errorf("stat %q: %w", excerpt(b), err)
	}
	return procStat{PID: pid, PPID: ppid, State: f[0][0], Ticks: utime + stime}, nil
}

// parseVmRSS reads VmRSS from /proc/<pid>/status, in bytes. A kernel thread
// or a zombie has no VmRSS line: 0.
func parseVmRSS(b []byte) (int64, error) {
	for line := range strings.SplitSeq(string(b), "\n") {
		rest, ok := strings.CutPrefix(line, "VmRSS:")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) != 2 || f[1] != "kB" {
			return 0, fmt.Errorf("status: VmRSS line %q, want \"<n> kB\"", line)
		}
		kb, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("status: VmRSS %q: %w", f[0], err)
		}
		return kb * 1024, nil
	}
	return 0, nil
}

func excerpt(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 60 {
		s = s[:60] + "…"
	}
	return s
}

// treeUsage is pid and every live process below it (a service that
// spawned helpers is the whole tree): how many, resident memory now, CPU
// seconds used so far (a child's CPU counts while it runs; an exited one's
// moves to its parent's cutime, which this leaves out: none of ours fork).
type treeUsage struct {
	Processes int
	RSSBytes  int64
	CPU       float64 // seconds
}

func (p procFS) tree(pid int) (treeUsage, error) {
	entries, err := os.ReadDir(p.root)
	if err != nil {
		return treeUsage{}, fmt.Errorf("read %s: %w", p.root, err)
	}
	children := map[int][]procStat{}
	var self *procStat
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join(p.root, e.Name(), "stat"))
		if err != nil {
			continue // exited between the listing and the read
		}
		st, err := parseProcStat(b)
		if err != nil {
			return treeUsage{}, err
		}
		if st.PID == pid {
			self = &st
		}
		children[st.PPID] = append(children[st.PPID], st)
	}
	if self == nil {
		return treeUsage{}, fmt.Errorf("pid %d is not running", pid)
	}
	var u treeUsage
	var ticks uint64
	queue := []procStat{*self}
	for len(queue) > 0 {
		st := queue[0]
		queue = append(queue[1:], children[st.PID]...)
		if st.State == 'Z' || st.State == 'X' {
			continue // exited, not yet reaped: nothing runs
		}
		b, err := os.ReadFile(filepath.Join(p.root, strconv.Itoa(st.PID), "status"))
		if err != nil {
			continue // exited meanwhile
		}
		rss, err := parseVmRSS(b)
		if err != nil {
			return treeUsage{}, fmt.Errorf("pid %d: %w", st.PID, err)
		}
		u.Processes++
		u.RSSBytes += rss
		ticks += st.Ticks
	}
	u.CPU = float64(ticks) / clockTicks
	return u, nil
}

// logDir measures the files under dir: their sizes and the blocks they
// take. Files that vanish during the walk (a segment the broker removed)
// are skipped.
func logDir(dir string) (usage.LogDir, error) {
	out := usage.LogDir{Path: dir}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && path != dir {
				return nil
			}
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		written := info.Size()
		if st, ok := info.Sys().(*syscall.Stat_t); ok {
			out.Allocated += st.Blocks * 512
			written = min(written, st.Blocks*512)
		}
		out.Written += written
		return nil
	})
	if err != nil {
		return usage.LogDir{}, fmt.Errorf("size of %s: %w", dir, err)
	}
	return out, nil
}
