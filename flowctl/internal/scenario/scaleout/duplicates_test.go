package scaleout

import "testing"

// The scale-out's readings: #1 alone before the load, #1-#3 before the
// scale-in, #1 alone at the end. #2 and #3 started during the run (all of
// their count is the run's) and stopped before the end (their reading
// before the scale-in keeps it).
func TestDupTallySumsEveryReplica(t *testing.T) {
	var d dupTally
	d.add(map[string]float64{"#1": 5})
	d.add(map[string]float64{"#1": 6, "#2": 3, "#3": 4})
	d.add(map[string]float64{"#1": 9})
	if got, ok := d.Sum(); !ok || got != 11 {
		t.Errorf("sum %g (%v), want 11: #1 rose 4, #2 3, #3 4", got, ok)
	}
}

// The check above can fail: read only at the start and the end (as
// through the balancer), #2's and #3's counts are lost.
func TestDupTallyWithoutTheReadingBeforeTheScaleInLosesCounts(t *testing.T) {
	var d dupTally
	d.add(map[string]float64{"#1": 5})
	d.add(map[string]float64{"#1": 9})
	if got, _ := d.Sum(); got == 11 {
		t.Errorf("sum %g without the replicas that stopped, want less than 11", got)
	}
}

// A replica restarted (its count lower than at its last reading) counts
// from 0.
func TestDupTallyRestartedReplica(t *testing.T) {
	var d dupTally
	d.add(map[string]float64{"#1": 5})
	d.add(map[string]float64{"#1": 2})
	if got, ok := d.Sum(); !ok || got != 2 {
		t.Errorf("sum %g (%v), want 2", got, ok)
	}
}
