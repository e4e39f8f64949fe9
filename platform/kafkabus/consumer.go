package kafkabus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/orderflow/platform/kafkaconf"
)

// Default batch bounds (config's CONSUMER_BATCH_MAX and CONSUMER_BATCH_WAIT).
const (
	DefaultBatchMax  = 256
	DefaultBatchWait = 5 * time.Millisecond
)

// ConsumerConfig configures a Consumer.
type ConsumerConfig struct {
	Brokers []string
	Group   string
	Topics  []string
	// Handler gets every fetched batch (consume.DefaultChain around the
	// service's state change).
	Handler Handler
	Logger  *slog.Logger
	// BatchMax is the most messages one Handler call gets (default
	// DefaultBatchMax); 1 hands them over one by one.
	BatchMax int
	// BatchWait is the longest a partition worker spends gathering messages
	// that are already fetched into one batch (default DefaultBatchWait). It
	// never waits for messages the broker has not sent yet, so a lone event
	// is not delayed.
	BatchWait time.Duration
}

// Consumer is a consumer-group member that runs one worker per assigned
// partition. A worker fetches, hands what its partition reader has fetched
// to the Handler as one batch, and marks the batch's last offset for commit;
// a committer sends the marked offsets of all partitions in one request,
// without holding up the workers. Retrying, dead-lettering, tracing and
// fault injection are the Handler's (platform/consume's middleware). The
// offset is committed only after the Handler returned, and the handler
// dedupes by event id in the transaction that applies the event, so a crash
// in between means a redelivery that changes nothing. A message being
// retried holds up its own partition only.
type Consumer struct {
	cfg   ConsumerConfig
	ready readiness
}

// kafkaLoggers route kafka-go's logs through logger.
func kafkaLoggers(logger *slog.Logger) (info, errs kafka.LoggerFunc) {
	return func(msg string, args ...any) { logger.Debug("kafka-go: " + fmt.Sprintf(msg, args...)) },
		func(msg string, args ...any) { logger.Warn("kafka-go: " + fmt.Sprintf(msg, args...)) }
}

// NewReader returns a kafka-go group Reader with kafkaconf's settings,
// logging through logger.
func NewReader(brokers []string, group string, topics []string, logger *slog.Logger) *kafka.Reader {
	cfg := kafkaconf.GroupReader(brokers, group, topics)
	cfg.Logger, cfg.ErrorLogger = kafkaLoggers(logger)
	return kafka.NewReader(cfg)
}

// NewConsumer builds a consumer; call Run to start it.
func NewConsumer(cfg ConsumerConfig) *Consumer {
	if cfg.BatchMax <= 0 {
		cfg.BatchMax = DefaultBatchMax
	}
	if cfg.BatchWait <= 0 {
		cfg.BatchWait = DefaultBatchWait
	}
	return &Consumer{cfg: cfg}
}

// Run consumes until ctx is cancelled. The group is joined here, not in
// NewConsumer: a group joined before its topics exist gets an empty
// assignment.
func (c *Consumer) Run(ctx context.Context) error {
	gcfg := kafkaconf.ConsumerGroup(c.cfg.Brokers, c.cfg.Group, c.cfg.Topics)
	gcfg.Logger, gcfg.ErrorLogger = kafkaLoggers(c.cfg.Logger)
	group, err := kafka.NewConsumerGroup(gcfg)
	if err != nil {
		return fmt.Errorf("consumer %s: %w", c.cfg.Group, err)
	}
	// Closing the group ends the running generation: its workers stop, the
	// handled offsets are committed, and the member leaves the group.
	stop := context.AfterFunc(ctx, func() { _ = group.Close() })
	defer stop()
	defer group.Close()
	former := &formerMember{c: c}
	for {
		gen, err := group.Next(ctx)
		if ctx.Err() != nil || errors.Is(err, kafka.ErrGroupClosed) {
			return nil
		}
		if err != nil {
			// kafka-go backs off and joins again by itself, and has logged
			// the failure as a warning already (its ErrorLogger).
			c.cfg.Logger.DebugContext(ctx, "joining the consumer group failed, retrying", "group", c.cfg.Group, "err", err)
			former.failed(ctx, err)
			continue
		}
		former.joined(gen)
		c.runGeneration(ctx, gen)
	}
}

// runGeneration starts a worker per assigned partition and the committer.
// kafka-go ends the generation (a rebalance, or Close) by cancelling the
// context it passes, and waits for the function to return before it joins
// the next one; the last handled offsets are committed on the way out.
func (c *Consumer) runGeneration(ctx context.Context, gen *kafka.Generation) {
	gen.Start(func(genCtx context.Context) {
		wctx, cancel := context.WithCancel(ctx)
		defer cancel()
		stop := context.AfterFunc(genCtx, cancel)
		defer stop()
		commits := newCommitter()
		// kafka-go ends the generation as soon as this function returns: a
		// member with nothing assigned (more members than partitions) must
		// still wait for the generation's end, or it would rejoin in a loop.
		assigned := 0
		for _, parts := range gen.Assignments {
			assigned += len(parts)
		}
		c.ready.generation(assigned)
		if assigned == 0 {
			<-wctx.Done()
			return
		}
		var wg sync.WaitGroup
		for topic, parts := range gen.Assignments {
			for _, pa := range parts {
				wg.Add(1)
				go func() {
					defer wg.Done()
					c.runPartition(wctx, topic, pa, commits)
				}()
			}
		}
		workersDone := make(chan struct{})
		go func() {
			wg.Wait()
			close(workersDone)
		}()
		c.commitLoop(wctx, gen, commits, workersDone)
		// The workers have stopped; what they handled last is committed
		// once more, with the generation's connection still open. If the
		// group is rebalancing the broker may refuse: the new owner of the
		// partition gets those events again, and its inbox skips them.
		if offs := commits.take(); len(offs) > 0 {
			if err := gen.CommitOffsets(offs); err != nil {
				c.cfg.Logger.InfoContext(ctx, "final offset commit refused; the events are redelivered and deduped", "group", c.cfg.Group, "err", err)
			}
		}
	})
}

// commitLoop commits marked offsets as they come, coalescing what the
// workers mark while a commit is in flight into the next one.
func (c *Consumer) commitLoop(ctx context.Context, gen *kafka.Generation, commits *committer, workersDone <-chan struct{}) {
	for attempt := 1; ; {
		select {
		case <-workersDone:
			return
		case <-commits.wake:
		}
		offs := commits.take()
		if len(offs) == 0 {
			continue
		}
		err := gen.CommitOffsets(offs)
		if err == nil {
			attempt = 1
			continue
		}
		// A failed commit only means redelivery, which the handler dedupes.
		commits.putBack(offs)
		c.cfg.Logger.WarnContext(ctx, "offset commit failed, retrying", "group", c.cfg.Group, "attempt", attempt, "err", err)
		t := time.NewTimer(backoff(attempt))
		select {
		case <-workersDone:
			t.Stop()
			return
		case <-t.C:
		}
		attempt++
		commits.poke()
	}
}

// committer collects, per topic and partition, the next offset to commit.
type committer struct {
	mu      sync.Mutex
	pending map[string]map[int]int64
	wake    chan struct{}
}

func newCommitter() *committer {
	return &committer{pending: map[string]map[int]int64{}, wake: make(chan struct{}, 1)}
}

// mark records that every message of partition before next was handled.
func (k *committer) mark(topic string, partition int, next int64) {
	k.mu.Lock()
	if k.pending[topic] == nil {
		k.pending[topic] = map[int]int64{}
	}
	k.pending[topic][partition] = next
	k.mu.Unlock()
	k.poke()
}

func (k *committer) poke() {
	select {
	case k.wake <- struct{}{}:
	default:
	}
}

// take returns the marked offsets and forgets them.
func (k *committer) take() map[string]map[int]int64 {
	k.mu.Lock()
	defer k.mu.Unlock()
	offs := k.pending
	k.pending = map[string]map[int]int64{}
	return offs
}

// putBack restores offsets whose commit failed, unless a newer one was
// marked since.
func (k *committer) putBack(offs map[string]map[int]int64) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for topic, parts := range offs {
		for p, off := range parts {
			if k.pending[topic] == nil {
				k.pending[topic] = map[int]int64{}
			}
			if _, newer := k.pending[topic][p]; !newer {
				k.pending[topic][p] = off
			}
		}
	}
}
