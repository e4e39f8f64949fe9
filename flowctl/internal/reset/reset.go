// Package reset brings a stack back to its first-start state: every
// service's database (orders, stock, invoices, outbox, inbox) and, for the
// events stack, its topics, dead letters and consumer groups — so the next
// group of a workshop starts where the first one did.
package reset

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/kafkaconf"
	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/kafkalog"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// Config is one reset.
type Config struct {
	Modes    []stackmode.Mode
	Services []string
	// Runtime stops, wipes and starts the services, and wipes the log of a
	// broker that does not answer when it can.
	Runtime stack.Runtime
	// Running says whether svc of mode's stack answers now; only those are
	// started again afterwards (nil: its /readyz at Runtime.URLs answers).
	Running func(ctx context.Context, m stackmode.Mode, svc string) bool
	// Brokers and TopicPrefix locate the events stack's log.
	Brokers     []string
	TopicPrefix string
	Say         func(format string, args ...any)
}

// Topics are l's topics, each with its dead-letter topic (one that never
// existed is no error to delete).
func Topics(l kafkalog.Log) []string {
	var out []string
	for _, t := range l.Topics() {
		out = append(out, t, events.DLQ(t))
	}
	return out
}

// Groups are l's consumer groups of services.
func Groups(l kafkalog.Log, services []string) []string {
	var out []string
	for _, svc := range services {
		out = append(out, l.Group(svc))
	}
	return out
}

// Run stops the services, forgets their databases and the events log, and
// starts again those that were running.
func Run(ctx context.Context, c Config) error {
	say := c.Say
	if say == nil {
		say = func(string, ...any) {}
	}
	if c.Running == nil {
		c.Running = func(ctx context.Context, m stackmode.Mode, svc string) bool {
			return stack.Answers(ctx, c.Runtime.URLs(m)[svc]+"/readyz")
		}
	}
	for _, m := range c.Modes {
		var wasRunning []string
		for _, svc := range c.Services {
			if c.Running(ctx, m, svc) {
				wasRunning = append(wasRunning, svc)
				if err := c.Runtime.StopService(ctx, m, svc); err != nil {
					return err
				}
			}
		}
		for _, svc := range c.Services {
			if err := c.Runtime.WipeService(ctx, m, svc); err != nil {
				return err
			}
		}
		say("%s: stopped %d running services, removed the databases of %d (%s)", m, len(wasRunning), len(c.Services), c.Runtime.Runtime())
		if m.Kafka() {
			if err := wipeLog(ctx, c, kafkalog.LogOf(m, c.TopicPrefix), say); err != nil {
				return err
			}
		}
		// Services are listed callers first (the order they stop in); start
		// the ones they call first, as a sync order-svc is ready only when
		// inventory-svc and invoicing-svc answer.
		for _, svc := range slices.Backward(wasRunning) {
			if err := c.Runtime.StartFresh(ctx, m, svc); err != nil {
				return fmt.Errorf("start %s (%s) again: %w", svc, m, err)
			}
		}
		if len(wasRunning) > 0 {
			say("%s: started %d services again on empty databases (seeded stock, no orders)", m, len(wasRunning))
		}
	}
	return nil
}

func wipeLog(ctx context.Context, c Config, l kafkalog.Log, say func(string, ...any)) error {
	pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	err := kafkaconf.Ping(pctx, c.Brokers)
	cancel()
	if err != nil {
		removed, werr := c.Runtime.WipeStoppedBroker(ctx)
		if errors.Is(werr, stack.ErrNotOurs) {
			return fmt.Errorf("the broker at %v does not answer (%v): start it (`flowctl start kafka`) and reset again, so its topics and consumer groups go too", c.Brokers, err)
		}
		if werr != nil {
			return fmt.Errorf("the broker does not answer (%v) and its log cannot be removed: %w", err, werr)
		}
		if removed {
			say("%s: removed the stopped embedded broker's log (topics, dead letters, consumer groups of every stack)", l.Mode)
		}
		return nil
	}
	w, err := kafkalog.Wipe(ctx, c.Brokers, Topics(l), Groups(l, c.Services), []string{topology.ReplayGroupPrefix(l.Prefix)}, time.Minute)
	if err != nil {
		return fmt.Errorf("wipe the %s log: %w", l.Mode, err)
	}
	say("%s: deleted %d topics (dead letters included) and %d consumer groups on %v", l.Mode, len(w.Topics), len(w.Groups), c.Brokers)
	return nil
}

// ErrNotConfirmed is returned when the user did not confirm.
var ErrNotConfirmed = errors.New("not confirmed")
