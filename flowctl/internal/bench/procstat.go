package bench

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Linux reports a process's CPU time in clock ticks of USER_HZ, which is 100
// on every architecture Go supports on Linux (the kernel's own HZ may differ;
// /proc is scaled to USER_HZ for user space).
const userHZ = 100

// ProcSample is one process's CPU time so far and peak resident memory.
type ProcSample struct {
	CPUSeconds float64
	// PeakRSSKiB is VmHWM: the largest resident set since the process
	// started, or since ResetPeak.
	PeakRSSKiB int64
}

// ReadProc samples /proc/<pid>/stat (utime + stime) and /proc/<pid>/status
// (VmHWM).
func ReadProc(pid int) (ProcSample, error) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return ProcSample{}, fmt.Errorf("cpu time of pid %d: %w", pid, err)
	}
	cpu, err := parseStatCPU(string(stat))
	if err != nil {
		return ProcSample{}, fmt.Errorf("cpu time of pid %d: %w", pid, err)
	}
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return ProcSample{}, fmt.Errorf("memory of pid %d: %w", pid, err)
	}
	hwm, err := parseStatusKiB(string(status), "VmHWM")
	if err != nil {
		return ProcSample{}, fmt.Errorf("memory of pid %d: %w", pid, err)
	}
	return ProcSample{CPUSeconds: cpu, PeakRSSKiB: hwm}, nil
}

// ResetPeak resets pid's VmHWM to its current RSS (clear_refs "5", Linux 4.0
// and later), so the peak read after a run is that run's. It fails for a
// process of another user, such as a container's: the caller then reports
// the lifetime peak and says so.
func ResetPeak(pid int) error {
	return os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0)
}

// parseStatCPU returns utime+stime in seconds from a /proc/<pid>/stat line.
// The command name (field 2) is in parentheses and may itself hold spaces
// and parentheses, so fields are counted after its last ')'.
func parseStatCPU(stat string) (float64, error) {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, errors.New("stat: no command name")
	}
	// After ")": state is field 3; utime and stime are fields 14 and 15.
	f := strings.Fields(stat[i+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("stat: %d fields after the command name, want at least 13", len(f))
	}
	ut, err1 := strconv.ParseUint(f[11], 10, 64)
	st, err2 := strconv.ParseUint(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, fmt.Errorf("stat: %w", err)
	}
	return float64(ut+st) / userHZ, nil
}

// parseStatusKiB returns a "Key:  123 kB" line's number from /proc/<pid>/status.
func parseStatusKiB(status, key string) (int64, error) {
	for line := range strings.SplitSeq(status, "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok || k != key {
			continue
		}
		f := strings.Fields(v)
		if len(f) == 0 {
			break
		}
		return strconv.ParseInt(f[0], 10, 64)
	}
	return 0, fmt.Errorf("status: no %s line", key)
}

// Usage is one process's share of a measured run.
type Usage struct {
	Process string `json:"process"`
	PID     int    `json:"pid"`
	// CPUSecondsPer1k is CPU seconds (user + system) per 1,000 orders.
	CPUSecondsPer1k float64 `json:"cpu_seconds_per_1k_orders"`
	// PeakRSSMiB is the peak resident memory during the run (or, when
	// PeakSinceStart, since the process started).
	PeakRSSMiB     float64 `json:"peak_rss_mib"`
	PeakSinceStart bool    `json:"peak_since_start,omitempty"`
	// IdleCPUMsPerSec is the process's CPU use with no load, measured just
	// before the run: the part of CPUSecondsPer1k that is the clock's, not
	// the orders' (consumer fetch loops, relay fallback polls).
	IdleCPUMsPerSec float64 `json:"idle_cpu_ms_per_sec"`
}

// Proc is a process to measure: what it is and its pid.
type Proc struct {
	Name string
	PID  int
}

// Meter measures processes over one run: StartMeter before, Stop after.
type Meter struct {
	procs  []Proc
	before []ProcSample
	reset  []bool
}

// StartMeter samples each process and resets its peak memory.
func StartMeter(procs []Proc) (*Meter, error) {
	m := &Meter{procs: procs}
	for _, p := range procs {
		m.reset = append(m.reset, ResetPeak(p.PID) == nil)
		s, err := ReadProc(p.PID)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.Name, err)
		}
		m.before = append(m.before, s)
	}
	return m, nil
}

// CPUSince is each process's CPU seconds since StartMeter, by name.
func (m *Meter) CPUSince() (map[string]float64, error) {
	out := map[string]float64{}
	for i, p := range m.procs {
		s, err := ReadProc(p.PID)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.Name, err)
		}
		out[p.Name] = s.CPUSeconds - m.before[i].CPUSeconds
	}
	return out, nil
}

// Stop samples again and divides each process's CPU time by orders/1000.
func (m *Meter) Stop(orders int) ([]Usage, error) {
	var out []Usage
	for i, p := range m.procs {
		s, err := ReadProc(p.PID)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.Name, err)
		}
		u := Usage{Process: p.Name, PID: p.PID, PeakRSSMiB: float64(s.PeakRSSKiB) / 1024, PeakSinceStart: !m.reset[i]}
		if orders > 0 {
			u.CPUSecondsPer1k = (s.CPUSeconds - m.before[i].CPUSeconds) * 1000 / float64(orders)
		}
		out = append(out, u)
	}
	return out, nil
}
