package kafkabus

import "testing"

// Joined with partitions assigned is not ready until each partition's reader
// fetched; an empty assignment is ready at once; once ready, a rebalance does
// not make it unready.
func TestReadinessSteps(t *testing.T) {
	var r readiness
	steps := []struct {
		do   func()
		want string
	}{
		{func() {}, "consumer group g: not joined yet"},
		{func() { r.generation(3) }, "consumer group g: 3 of 3 assigned partitions not fetched from yet"},
		{r.polled, "consumer group g: 2 of 3 assigned partitions not fetched from yet"},
		{func() { r.polled(); r.polled() }, ""},
		{func() { r.generation(2) }, ""}, // a later rebalance
	}
	for i, s := range steps {
		s.do()
		got := ""
		if err := r.err("g"); err != nil {
			got = err.Error()
		}
		if got != s.want {
			t.Errorf("step %d: %q, want %q", i, got, s.want)
		}
	}
	var empty readiness
	empty.generation(0)
	if err := empty.err("g"); err != nil {
		t.Errorf("an empty assignment: %v", err)
	}
}
