package kafkabus

import (
	"context"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/orderflow/platform/kafkaconf"
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
	for {
		batch, err := c.fetchBatch(ctx, r)
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
		// Paused (fault injection): hold the fetched batch, uncommitted,
		// until resumed; the reader's prefetch buffer fills and lag grows.
		if c.cfg.Faults != nil {
			if err := c.cfg.Faults.WaitResumed(ctx); err != nil {
				return
			}
		}
		if err := c.handleBatch(ctx, batch); err != nil {
			return // only when ctx ended: not committed, redelivered to the next owner
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

// handleBatch handles msgs in order, each with its own process span. The
// decodable ones go to the Handler as one batch; if the batch fails, they
// are handled one by one, so the good ones are applied and the failing one
// is retried or dead-lettered alone. Messages that do not decode are
// dead-lettered first: they change no state, so the others do not depend on
// them. It returns an error only when ctx ended.
func (c *Consumer) handleBatch(ctx context.Context, msgs []kafka.Message) error {
	all := make([]*delivery, 0, len(msgs))
	// A span ends when its message is done with; when ctx ends first, the
	// spans of the messages left end here (they are redelivered).
	defer func() {
		for _, d := range all {
			d.finish()
		}
	}()
	items := make([]*delivery, 0, len(msgs))
	for _, m := range msgs {
		d := c.begin(ctx, m)
		all = append(all, d)
		if d.decodeErr != nil {
			if err := c.giveUp(ctx, d, d.decodeErr); err != nil {
				return err
			}
			d.finish()
			continue
		}
		items = append(items, d)
	}
	if len(items) > 1 && c.applyBatch(ctx, items) == nil {
		c.Processed.Add(int64(len(items)))
		return nil
	}
	for _, d := range items {
		if err := c.processOne(ctx, d); err != nil {
			return err
		}
		d.finish()
	}
	return nil
}

// applyBatch runs the fault hook per event and the handler once for all.
func (c *Consumer) applyBatch(ctx context.Context, items []*delivery) error {
	batch := make([]Event, len(items))
	for i, d := range items {
		if c.cfg.Faults != nil {
			if err := c.cfg.Faults.Apply(d.ctx); err != nil {
				return err
			}
		}
		batch[i] = Event{Ctx: d.ctx, Env: d.env, Payload: d.payload}
	}
	return c.cfg.Handler(ctx, batch)
}
