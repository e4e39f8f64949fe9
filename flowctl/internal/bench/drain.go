package bench

import (
	"context"
	"fmt"
	"time"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/platform/retry"
)

// Drainer measures a backlog's drain: pause a consumer, let events pile up,
// resume it and time its group's lag falling to zero.
type Drainer struct {
	// Service names the paused consumer in the output ("inventory-svc").
	Service string
	// Pause and Resume switch the consumer (the fault API).
	Pause, Resume func(ctx context.Context) error
	// Lag is the consumer group's backlog in events (kafkalog.GroupLag).
	Lag func(ctx context.Context) (int64, error)
}

// NewFaultDrainer pauses and resumes svc's consumers through its
// /admin/faults.
func NewFaultDrainer(svc string, admin *api.Admin, lag func(context.Context) (int64, error)) *Drainer {
	return &Drainer{
		Service: svc,
		Pause: func(ctx context.Context) error {
			_, err := admin.SetFaults(ctx, api.Faults{ConsumersPaused: true})
			return err
		},
		Resume: admin.ClearFaults,
		Lag:    lag,
	}
}

// Drain is a drain measurement.
type Drain struct {
	Service string `json:"service"`
	Orders  int    `json:"orders"`
	// Backlog is the lag when the consumer resumed; Took how long until it
	// was 0 (to within the polling interval, PollMS).
	Backlog      int64   `json:"backlog_events"`
	TookMS       float64 `json:"took_ms"`
	PollMS       float64 `json:"poll_ms"`
	EventsPerSec float64 `json:"events_per_sec"`
	// NotFinal counts the orders still not final after the settle bound
	// once the backlog had drained.
	NotFinal int `json:"not_final"`
}

// drainPoll is how often the lag is read while it drains.
const drainPoll = 20 * time.Millisecond

// MeasureDrain pauses the consumer, places n orders at rate, waits until the
// backlog stops growing, resumes the consumer and times the lag down to 0.
// The consumer is resumed on every path, Ctrl-C included.
func (s Stack) MeasureDrain(ctx context.Context, n int, rate float64, settle time.Duration) (Drain, error) {
	d := s.Drain
	out := Drain{Service: d.Service, Orders: n, PollMS: ms(drainPoll)}
	if err := s.waitIdle(ctx); err != nil {
		return out, err
	}
	if err := d.Pause(ctx); err != nil {
		return out, fmt.Errorf("pause %s's consumers: %w", d.Service, err)
	}
	resumed := false
	defer func() {
		if !resumed {
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			_ = d.Resume(rctx)
		}
	}()
	// The orders are placed in the background while the lag is watched;
	// they are read only once the backlog has drained, so no status polling
	// competes with the consumer being timed. Every path waits for the
	// placing, so nothing outlives the measurement.
	o := s.orders()
	placeCtx, cancelPlace := context.WithCancel(ctx)
	var res load.Result
	placeErr := make(chan error, 1)
	go func() {
		var err error
		res, err = s.place(placeCtx, o, rate, n)
		placeErr <- err
	}()
	waited := false
	defer func() {
		if !waited {
			cancelPlace()
			<-placeErr
		}
	}()
	backlog, err := waitSteady(ctx, d.Lag, int64(n))
	if err != nil {
		return out, err
	}
	out.Backlog = backlog
	t := time.Now()
	if err := d.Resume(ctx); err != nil {
		return out, fmt.Errorf("resume %s's consumers: %w", d.Service, err)
	}
	resumed = true
	for {
		lag, err := d.Lag(ctx)
		if err != nil {
			return out, fmt.Errorf("lag while draining: %w", err)
		}
		if lag == 0 {
			break
		}
		if time.Since(t) > settle+time.Minute {
			return out, fmt.Errorf("%s's backlog still %d events %s after resuming", d.Service, lag, time.Since(t).Round(time.Second))
		}
		if err := retry.Wait(ctx, drainPoll); err != nil {
			return out, err
		}
	}
	out.TookMS = ms(time.Since(t))
	if out.TookMS > 0 {
		out.EventsPerSec = float64(out.Backlog) / (out.TookMS / 1000)
	}
	err = <-placeErr
	waited = true
	cancelPlace()
	if err != nil {
		return out, err
	}
	if err := follow(ctx, o, &res, settle); err != nil {
		return out, err
	}
	st := stepOf(res)
	out.NotFinal = st.Sent - st.Done
	return out, nil
}

// waitSteady polls the lag until it reaches want, or stops growing for a
// second (some orders were refused, or the relay is slow), within a minute.
func waitSteady(ctx context.Context, lag func(context.Context) (int64, error), want int64) (int64, error) {
	var last int64 = -1
	since := time.Now()
	deadline := time.Now().Add(time.Minute)
	for {
		n, err := lag(ctx)
		if err != nil {
			return 0, fmt.Errorf("lag while paused: %w", err)
		}
		if n >= want {
			return n, nil
		}
		if n != last {
			last, since = n, time.Now()
		} else if n > 0 && time.Since(since) > time.Second {
			return n, nil
		}
		if time.Now().After(deadline) {
			return n, fmt.Errorf("the backlog reached only %d of %d events within a minute of pausing", n, want)
		}
		if err := retry.Wait(ctx, drainPoll); err != nil {
			return 0, err
		}
	}
}
