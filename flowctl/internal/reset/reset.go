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

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/kafkaconf"

	"github.com/orderflow/flowctl/internal/kafkalog"
)

// Runtime is what reset does to the processes or containers of a stack
// (stack.NativeControl and stack.DockerControl).
type Runtime interface {
	Runtime() string
	StopService(ctx context.Context, m config.Mode, svc string) error
	// WipeService forgets a stopped service's database.
	WipeService(ctx context.Context, m config.Mode, svc string) error
	// StartFresh starts it again on an empty database and waits until ready.
	StartFresh(ctx context.Context, m config.Mode, svc string) error
}

// Config is one reset.
type Config struct {
	Modes    []config.Mode
	Services []string
	Runtime  Runtime
	// Running says whether svc of mode's stack answers now; only those are
	// started again afterwards.
	Running func(ctx context.Context, m config.Mode, svc string) bool
	// Brokers and TopicPrefix locate the events stack's log.
	Brokers     []string
	TopicPrefix string
	// WipeOfflineBroker, when set, deletes the log of a broker that does not
	// answer (the native embedded one keeps it in a directory); false when
	// there was none.
	WipeOfflineBroker func() (bool, error)
	Say               func(format string, args ...any)
}

// Topics are the events stack's topics with prefix, dead-letter topics included.
func Topics(prefix string) []string {
	var out []string
	for _, t := range []string{events.TopicOrders, events.TopicInventory, events.TopicInvoicing} {
		out = append(out, prefix+t, events.DLQ(prefix+t))
	}
	return out
}

// Groups are the events stack's consumer groups (config.ConsumerGroup's
// rule), and ReplayGroupPrefix starts the fresh groups replays create.
func Groups(prefix string, services []string) []string {
	var out []string
	for _, svc := range services {
		out = append(out, config.Config{TopicPrefix: prefix, Service: svc, Mode: config.ModeEvents}.ConsumerGroup())
	}
	return out
}

// ReplayGroupPrefix is the prefix of the groups the replay scenario creates.
func ReplayGroupPrefix(prefix string) string { return prefix + "replay." }

// Run stops the services, forgets their databases and the events log, and
// starts again those that were running.
func Run(ctx context.Context, c Config) error {
	say := c.Say
	if say == nil {
		say = func(string, ...any) {}
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
		if m == config.ModeEvents {
			if err := wipeLog(ctx, c, say); err != nil {
				return err
			}
		}
		// Downstreams first, in the reverse of c.Services: a sync order-svc is
		// ready only once inventory-svc and invoicing-svc answer, so starting
		// it first would wait for services not started yet.
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

func wipeLog(ctx context.Context, c Config, say func(string, ...any)) error {
	pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	err := kafkaconf.Ping(pctx, c.Brokers)
	cancel()
	if err != nil {
		if c.WipeOfflineBroker == nil {
			return fmt.Errorf("the broker at %v does not answer (%v): start it (`flowctl start kafka`) and reset again, so its topics and consumer groups go too", c.Brokers, err)
		}
		removed, werr := c.WipeOfflineBroker()
		if werr != nil {
			return fmt.Errorf("the broker does not answer (%v) and its log cannot be removed: %w", err, werr)
		}
		if removed {
			say("events: removed the stopped embedded broker's log (topics, dead letters, consumer groups)")
		}
		return nil
	}
	w, err := kafkalog.Wipe(ctx, c.Brokers, Topics(c.TopicPrefix), Groups(c.TopicPrefix, c.Services), []string{ReplayGroupPrefix(c.TopicPrefix)}, time.Minute)
	if err != nil {
		return fmt.Errorf("wipe the events log: %w", err)
	}
	say("events: deleted %d topics (dead letters included) and %d consumer groups on %v", len(w.Topics), len(w.Groups), c.Brokers)
	return nil
}

// ErrNotConfirmed is returned when the user did not confirm.
var ErrNotConfirmed = errors.New("not confirmed")
