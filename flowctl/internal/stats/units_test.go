package stats

import (
	"math"
	"testing"
	"time"
)

func TestBytes(t *testing.T) {
	for _, c := range []struct {
		in   float64
		want string
	}{{0, "0 B"}, {512, "512 B"}, {1536, "1.5 KiB"}, {154426, "151 KiB"}, {2294820, "2.2 MiB"}, {3860650, "3.7 MiB"},
		{5 << 30, "5.0 GiB"}, {30.7 * (1 << 20), "30.7 MiB"}, {math.NaN(), "–"}} {
		if got := Bytes(c.in); got != c.want {
			t.Errorf("Bytes(%g) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := MiB(130.2); got != "130 MiB" {
		t.Errorf("MiB(130.2) = %q", got)
	}
}

// TestDurationAgreesWithMs: the verdict's "the last … after it came back"
// and the table's catch-up come from one formatter; 32 ms was "0.0 s".
func TestDurationAgreesWithMs(t *testing.T) {
	for _, c := range []struct {
		in   time.Duration
		want string
	}{{32 * time.Millisecond, "32 ms"}, {1500 * time.Microsecond, "1.5 ms"}, {3210 * time.Millisecond, "3.21 s"}} {
		if got := Duration(c.in); got != c.want {
			t.Errorf("Duration(%s) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := Of(102, 254, "orders"); got != "102 of 254 orders" {
		t.Errorf("Of = %q", got)
	}
}
