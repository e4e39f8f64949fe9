package usage

import "testing"

func TestCountedAgainstAMode(t *testing.T) {
	for kind, want := range map[Kind]bool{KindService: true, KindBroker: true, KindTracing: false} {
		if got := (Component{Kind: kind}).Counted(); got != want {
			t.Errorf("%s counted = %v, want %v", kind, got, want)
		}
	}
}

func TestLogDirMeasured(t *testing.T) {
	if (LogDir{}).Measured() {
		t.Error("the zero LogDir says it was measured")
	}
	if !(LogDir{Path: "kafka:/var/lib/kafka/data"}).Measured() {
		t.Error("a LogDir with a path says it was not measured")
	}
}
