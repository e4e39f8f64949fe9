package kafkalog

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/orderflow/platform/kafkaconf"
)

// ErrGroupNotFresh marks a replay into a group that has committed offsets
// already: it would resume there instead of reading from the start.
var ErrGroupNotFresh = errors.New("consumer group has committed offsets")

// ReplayStats says what a replay read and how long it took.
type ReplayStats struct {
	Group string `json:"group"`
	Topic string `json:"topic"`
	// Records is how many records fn accepted.
	Records int `json:"records"`
	// Partitions is how many partitions had records to replay.
	Partitions int `json:"partitions"`
	// JoinWait is from the start to the first record: mostly the group join
	// and partition assignment a new consumer pays before reading anything.
	JoinWait time.Duration `json:"join_wait_ns"`
	// Took is from the start until the group's position reached the end
	// offsets taken at the start, commits included.
	Took time.Duration `json:"took_ns"`
}

// replayCommitEvery and replayCommitAfter batch the group's commits: one
// synchronous commit per record would make a replay of a few thousand events
// take seconds of round trips, yet the group still commits as it goes.
const (
	replayCommitEvery = 200
	replayCommitAfter = 200 * time.Millisecond
)

// Replay consumes topic from its first offset with the fresh consumer group
// group, calling fn for each record in partition order and committing as it
// goes, until the group's position reaches the end offsets taken at the start
// (records written meanwhile are left to the group's next consumer). It is
// "rebuild a read model from the log": a new group owes nothing to the
// services' groups and reads everything still retained.
//
// group must have no committed offsets on topic (ErrGroupNotFresh): a group
// that has them would resume there, and the rebuild would silently miss
// records. An error from fn stops the replay; that record is not committed.
func Replay(ctx context.Context, brokers []string, topic, group string, fn func(Record) error) (ReplayStats, error) {
	return ReplayFrom(ctx, brokers, topic, group, nil, fn)
}

// ReplayFrom is Replay from offsets instead of the first offset (nil: the
// first): "replay since this run began". The fresh group's offsets are
// committed there first, as Kafka's `--reset-offsets --to-offset` (or
// `--to-datetime`, with OffsetsAt) would set them, so the group reads and
// commits exactly like a service's, only from a chosen point.
func ReplayFrom(ctx context.Context, brokers []string, topic, group string, offsets map[int]int64, fn func(Record) error) (ReplayStats, error) {
	stats := ReplayStats{Group: group, Topic: topic}
	start := time.Now()
	s, err := newSession(brokers)
	if err != nil {
		return stats, err
	}
	defer s.close()
	pos, end, starts, err := replayRange(ctx, s, topic, group, offsets)
	if err != nil {
		return stats, err
	}
	// Every partition, those with nothing new too: the group then owes
	// nothing before the run, and its lag is the run's alone.
	if offsets != nil {
		if err := s.commitAt(ctx, topic, group, starts); err != nil {
			return stats, err
		}
	}
	stats.Partitions = len(pos)
	if len(pos) > 0 {
		// The services' reader settings (quick joins, a fetch margin a
		// restarted broker does not overrun); Replay commits in batches itself.
		cfg := kafkaconf.GroupReader(brokers, group, []string{topic})
		cfg.Dialer = s.dialer()
		r := kafka.NewReader(cfg)
		defer r.Close()
		rp := &replay{ctx: ctx, r: r, topic: topic, group: group, pos: pos, end: end, stats: &stats, start: start, lastCommit: time.Now()}
		err = rp.run(fn)
	}
	stats.Took = time.Since(start)
	return stats, err
}

// replayRange is what a replay of topic owes, per partition with records:
// pos, the group's next offset (a fresh group with StartOffset FirstOffset
// starts at the partition's first offset, or at offsets when given), and
// end, the end offset now; start is where each partition starts, records or
// not. It fails when group has committed offsets on topic.
func replayRange(ctx context.Context, s *session, topic, group string, offsets map[int]int64) (pos, end, start map[int]int64, err error) {
	spans, err := s.spans(ctx, topic)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("replay %s: %w", topic, err)
	}
	committed, err := s.committed(ctx, group, map[string][]span{topic: spans})
	if err != nil {
		return nil, nil, nil, fmt.Errorf("replay %s: %w", topic, err)
	}
	for p, off := range committed[topic] { // a partition missing here has no commit
		if off >= 0 {
			return nil, nil, nil, fmt.Errorf("replay %s with group %s: partition %d is committed at %d: %w; pick a new group name", topic, group, p, off, ErrGroupNotFresh)
		}
	}
	pos, end, start = map[int]int64{}, map[int]int64{}, map[int]int64{}
	for _, sp := range from(spans, offsets) {
		start[sp.Partition] = sp.First
		if sp.First < sp.End {
			pos[sp.Partition], end[sp.Partition] = sp.First, sp.End
		}
	}
	return pos, end, start, nil
}

// commitAt commits the fresh group at pos on topic (a "simple" commit:
// generation -1, no member), where its reader will start.
func (s *session) commitAt(ctx context.Context, topic, group string, pos map[int]int64) error {
	req := &kafka.OffsetCommitRequest{GroupID: group, GenerationID: -1, Topics: map[string][]kafka.OffsetCommit{}}
	for p, off := range pos {
		req.Topics[topic] = append(req.Topics[topic], kafka.OffsetCommit{Partition: p, Offset: off})
	}
	res, err := s.client.OffsetCommit(ctx, req)
	if err != nil {
		return fmt.Errorf("replay %s: set group %s's start offsets: %w", topic, group, err)
	}
	for _, ps := range res.Topics {
		for _, p := range ps {
			if p.Error != nil {
				return fmt.Errorf("replay %s: set group %s's start offset on partition %d: %w", topic, group, p.Partition, p.Error)
			}
		}
	}
	return nil
}

// replay is one replay in progress: the group's reader, what it still owes
// per partition (pos up to end) and the records fn accepted that are not
// committed yet.
type replay struct {
	ctx          context.Context
	r            *kafka.Reader
	topic, group string
	pos, end     map[int]int64
	pending      []kafka.Message
	lastCommit   time.Time
	stats        *ReplayStats
	start        time.Time
}

// run fetches and hands records to fn until every partition reached its end.
func (rp *replay) run(fn func(Record) error) error {
	for len(rp.pos) > 0 {
		m, err := rp.fetch()
		if err != nil {
			return errors.Join(err, rp.commit())
		}
		if rp.stats.Records == 0 {
			rp.stats.JoinWait = time.Since(rp.start)
		}
		if _, ok := rp.pos[m.Partition]; !ok || m.Offset >= rp.end[m.Partition] {
			continue // written after the start: beyond what this replay owes
		}
		rec := recordOf(m)
		if err := fn(rec); err != nil {
			return errors.Join(fmt.Errorf("replay %s at %s: %w", rp.topic, rec.Position(), err), rp.commit())
		}
		rp.stats.Records++
		rp.pending = append(rp.pending, m)
		if rp.pos[m.Partition] = m.Offset + 1; rp.pos[m.Partition] >= rp.end[m.Partition] {
			delete(rp.pos, m.Partition)
		}
		if len(rp.pending) >= replayCommitEvery || time.Since(rp.lastCommit) >= replayCommitAfter || len(rp.pos) == 0 {
			if err := rp.commit(); err != nil {
				return err
			}
		}
	}
	return nil
}

// fetch is the next record, or why there is none.
func (rp *replay) fetch() (kafka.Message, error) {
	// The first fetch includes the group join; later ones should be quick.
	wait := stallTimeout
	if rp.stats.Records == 0 {
		wait = 30 * time.Second
	}
	fctx, cancel := context.WithTimeout(rp.ctx, wait)
	defer cancel()
	m, err := rp.r.FetchMessage(fctx)
	switch {
	case err == nil:
		return m, nil
	case rp.ctx.Err() != nil:
		return m, fmt.Errorf("replay %s: %w", rp.topic, rp.ctx.Err())
	case errors.Is(err, context.DeadlineExceeded):
		return m, fmt.Errorf("replay %s with group %s: no record for %s while %d partition(s) are below their end offsets", rp.topic, rp.group, wait, len(rp.pos))
	default:
		return m, fmt.Errorf("replay %s with group %s: fetch: %w", rp.topic, rp.group, err)
	}
}

// commit commits the pending records, even when the replay's context has
// ended: what fn accepted should count.
func (rp *replay) commit() error {
	if len(rp.pending) == 0 {
		return nil
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(rp.ctx), 5*time.Second)
	defer cancel()
	if err := rp.r.CommitMessages(cctx, rp.pending...); err != nil {
		return fmt.Errorf("replay %s: commit %d record(s) for group %s: %w", rp.topic, len(rp.pending), rp.group, err)
	}
	rp.pending, rp.lastCommit = rp.pending[:0], time.Now()
	return nil
}
