package dashboard

import "time"

// How often the tracker reads one not-final order: soon after placement,
// then less often while nothing changes, back to soon after a change. An
// order's figures come from order-svc's own timestamps, so a later read makes
// the row later, never the numbers wrong.
const (
	firstReadAfter = 25 * time.Millisecond
	slowestReread  = time.Second
	// rereadsPerSec bounds the reads of orders already read once, all orders
	// of one stack together; each placement earns its own first read on top.
	rereadsPerSec = 20
	// creditsKept bounds the first reads saved up by a burst of placements.
	creditsKept = 2000
)

// backoff is when to read an order next, and at what interval, after a read
// that did (or did not) change what the page shows.
func backoff(now time.Time, every time.Duration, changed bool) (time.Time, time.Duration) {
	switch {
	case changed || every <= 0:
		every = 2 * firstReadAfter
	default:
		every = min(2*every, slowestReread)
	}
	return now.Add(every), every
}

// readBudget is a token bucket: perSec tokens a second up to perSec saved,
// plus one credited per order placed (its first read).
type readBudget struct {
	perSec float64
	tokens float64
	last   time.Time
}

func (b *readBudget) refill(now time.Time) {
	if !b.last.IsZero() {
		b.tokens = min(b.tokens+now.Sub(b.last).Seconds()*b.perSec, max(b.tokens, b.perSec))
	}
	b.last = now
}

// credit adds the first read of a newly placed order.
func (b *readBudget) credit(now time.Time) {
	b.refill(now)
	b.tokens = min(b.tokens+1, creditsKept)
}

// wait is how long until a read may be made (0: now).
func (b *readBudget) wait(now time.Time) time.Duration {
	b.refill(now)
	if b.tokens >= 1 {
		return 0
	}
	return time.Duration((1 - b.tokens) / b.perSec * float64(time.Second))
}

// spend takes one read's token (after wait said 0).
func (b *readBudget) spend() { b.tokens-- }
