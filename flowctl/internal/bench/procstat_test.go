package bench

import (
	"os"
	"strings"
	"testing"
)

func TestParseStatCPU(t *testing.T) {
	tail := " S 1 2 3 4 5 6 7 8 9 10 250 150 0 0 20 0 1 0"
	tests := []struct {
		name, stat string
		want       float64
		err        string
	}{
		{"plain name", "42 (order-svc)" + tail, 4, ""},
		{"a name with spaces and parentheses", "42 (a (b) c)" + tail, 4, ""},
		{"no name", "42 order-svc" + tail, 0, "no command name"},
		{"cut short", "42 (x) S 1 2", 0, "fields"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseStatCPU(tt.stat)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %g, %v; want %g", got, err, tt.want)
			}
		})
	}
}

func TestParseStatusKiB(t *testing.T) {
	status := "Name:\torder-svc\nVmPeak:\t  900 kB\nVmHWM:\t   12345 kB\nVmRSS:\t 10000 kB\n"
	tests := []struct {
		key  string
		want int64
		ok   bool
	}{
		{"VmHWM", 12345, true},
		{"VmRSS", 10000, true},
		{"VmSwap", 0, false},
	}
	for _, tt := range tests {
		got, err := parseStatusKiB(status, tt.key)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("%s: %d, %v", tt.key, got, err)
		}
	}
}

// The test process itself is a process of ours: the meter reads it.
func TestMeterReadsItself(t *testing.T) {
	pid := os.Getpid()
	m, err := StartMeter([]Proc{{"self", pid}})
	if err != nil {
		t.Fatal(err)
	}
	us, err := m.Stop(1000)
	if err != nil || len(us) != 1 || us[0].PID != pid || us[0].PeakRSSMiB <= 0 || us[0].CPUSecondsPer1k < 0 {
		t.Fatalf("%+v, %v", us, err)
	}
	if _, err := StartMeter([]Proc{{"gone", 1 << 30}}); err == nil || !strings.Contains(err.Error(), "gone") {
		t.Errorf("a missing process: %v", err)
	}
}
