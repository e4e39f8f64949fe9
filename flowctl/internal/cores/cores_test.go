package cores

import (
	"runtime"
	"strings"
	"testing"
)

func TestText(t *testing.T) {
	cases := []struct {
		cores, procs int
		want, not    string
	}{
		{2, 7, "2 cores for 7 service processes: a CPU-bound ceiling cannot rise", ""},
		{16, 7, "16 cores for 7 service processes", "cannot rise"},
		{7, 7, "7 cores for 7 service processes", "cannot rise"},
		{Unknown, 7, "cores: unknown (remote runtime)", "cannot rise"},
	}
	for _, c := range cases {
		got := Text(c.cores, c.procs, "service processes")
		if !strings.Contains(got, c.want) || (c.not != "" && strings.Contains(got, c.not)) {
			t.Errorf("Text(%d, %d) = %q, want %q and not %q", c.cores, c.procs, got, c.want, c.not)
		}
	}
}

func TestOf(t *testing.T) {
	if got := Of(true); got != runtime.NumCPU() {
		t.Errorf("local: %d cores, this machine has %d", got, runtime.NumCPU())
	}
	if got := Of(false); got != Unknown {
		t.Errorf("remote: %d cores, want unknown", got)
	}
	if CPUBound(Unknown, 100) {
		t.Error("unknown cores judged CPU-bound")
	}
}
