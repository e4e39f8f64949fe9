package kafkabus

import (
	"context"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/orderflow/platform/kafkaconf"
	"github.com/orderflow/platform/retry"
)

// runPartition is the worker of one assigned partition: fetch a batch,
// handle it, mark its offsets for commit, until ctx ends (the generation
// ended or the consumer stops). Its reader starts at the group's committed
// offset, or at the first offset when the group has none.
func (c *Consumer) runPartition(ctx context.Context, topic string, pa kafka.PartitionAssignment, commits *committer) {
	rcfg := kafkaconf.PartitionReader(c.cfg.Brokers, topic, pa.ID)
	rcfg.Logger, rcfg.ErrorLogger = kafkaLoggers(c.cfg.Logger)
	r := kafka.NewReader(rcfg)
	defer r.Close()
	if err := r.SetOffset(pa.Offset); err != nil {
		c.cfg.Logger.ErrorContext(ctx, "partition reader refused its start offset", "topic", topic, "partition", pa.ID, "offset", pa.Offset, "err", err)
		return
	}
	fetched := make(chan struct{})
	go c.watchFirstFetch(ctx, r, fetched)
	for first := true; ; {
		batch, err := c.fetchBatch(ctx, r)
		if err == nil && first {
			close(fetched)
			first = false
		}
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			c.cfg.Logger.WarnContext(ctx, "fetch failed, retrying", "group", c.cfg.Group, "topic", topic, "partition", pa.ID, "err", err)
			if !sleep(ctx, time.Second) {
				return
			}
			continue
		}
		if err := c.handle(ctx, batch); err != nil {
			return // not committed: redelivered to the partition's next owner
		}
		commits.mark(topic, pa.ID, batch[len(batch)-1].Offset+1)
	}
}

// fetchBatch waits for one message, then adds the messages the reader has
// already fetched, up to BatchMax and for at most BatchWait. It never waits
// for the broker: a lone event goes on at once, a backlog goes in batches.
func (c *Consumer) fetchBatch(ctx context.Context, r *kafka.Reader) ([]kafka.Message, error) {
	m, err := r.FetchMessage(ctx)
	if err != nil {
		return nil, err
	}
	batch := []kafka.Message{m}
	if c.cfg.BatchMax == 1 {
		return batch, nil
	}
	bctx, cancel := context.WithTimeout(ctx, c.cfg.BatchWait)
	defer cancel()
	// QueueLength is the reader's prefetch buffer: messages that are here.
	for len(batch) < c.cfg.BatchMax && r.Stats().QueueLength > 0 {
		m, err := r.FetchMessage(bctx)
		if err != nil {
			break // BatchWait is over, or ctx ended (the caller sees it next)
		}
		batch = append(batch, m)
	}
	return batch, nil
}

// handle hands msgs to the Handler as one batch. The Handler returns an
// error only when ctx ended (consume.Retry retries until then); one that
// gives up otherwise stops this partition's worker, uncommitted, until the
// next rebalance, because skipping the batch would lose it.
func (c *Consumer) handle(ctx context.Context, msgs []kafka.Message) error {
	batch := make([]*Delivery, len(msgs))
	for i, m := range msgs {
		batch[i] = NewDelivery(ctx, m)
	}
	err := c.cfg.Handler(ctx, batch)
	if err != nil && ctx.Err() == nil {
		last := msgs[len(msgs)-1]
		c.cfg.Logger.ErrorContext(ctx, "handler gave up on a batch; its partition stops until the next rebalance", "group", c.cfg.Group, "topic", last.Topic, "partition", last.Partition, "offset", msgs[0].Offset, "err", err)
	}
	return err
}

// commitBackoff spaces failed offset commits: 100 ms doubling up to 3 s.
var commitBackoff = retry.Backoff{First: 100 * time.Millisecond, Max: 3 * time.Second}

func backoff(attempt int) time.Duration { return commitBackoff.Delay(attempt) }

func sleep(ctx context.Context, d time.Duration) bool { return retry.Sleep(ctx, d) }
