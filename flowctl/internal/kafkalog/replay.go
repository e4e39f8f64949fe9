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
	stats := ReplayStats{Group: group, Topic: topic}
	start := time.Now()
	s, err := newSession(brokers)
	if err != nil {
		return stats, err
	}
	defer s.close()
	spans, err := s.spans(ctx, topic)
	if err != nil {
		return stats, fmt.Errorf("replay %s: %w", topic, err)
	}
	committed, err := s.committed(ctx, group, map[string][]span{topic: spans})
	if err != nil {
		return stats, fmt.Errorf("replay %s: %w", topic, err)
	}
	for p, off := range committed[topic] { // a partition missing here has no commit
		if off >= 0 {
			return stats, fmt.Errorf("replay %s with group %s: partition %d is committed at %d: %w; pick a new group name", topic, group, p, off, ErrGroupNotFresh)
		}
	}

	// pos is the group's next offset per partition still to replay: a fresh
	// group with StartOffset FirstOffset starts at each partition's first offset.
	pos := map[int]int64{}
	end := map[int]int64{}
	for _, sp := range spans {
		if sp.First < sp.End {
			pos[sp.Partition], end[sp.Partition] = sp.First, sp.End
		}
	}
	stats.Partitions = len(pos)
	if len(pos) == 0 {
		stats.Took = time.Since(start)
		return stats, nil
	}

	// The services' reader settings (quick joins, a fetch margin a
	// restarted broker does not overrun); Replay commits in batches itself.
	cfg := kafkaconf.GroupReader(brokers, group, []string{topic})
	cfg.Dialer = s.dialer()
	r := kafka.NewReader(cfg)
	defer r.Close()

	var pending []kafka.Message
	lastCommit := time.Now()
	commit := func() error {
		if len(pending) == 0 {
			return nil
		}
		// Commit even when ctx has ended: what fn accepted should count.
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := r.CommitMessages(cctx, pending...); err != nil {
			return fmt.Errorf("replay %s: commit %d record(s) for group %s: %w", topic, len(pending), group, err)
		}
		pending, lastCommit = pending[:0], time.Now()
		return nil
	}

	for len(pos) > 0 {
		// The first fetch includes the group join; later ones should be quick.
		wait := stallTimeout
		if stats.Records == 0 {
			wait = 30 * time.Second
		}
		fctx, cancel := context.WithTimeout(ctx, wait)
		m, err := r.FetchMessage(fctx)
		cancel()
		if err != nil {
			cerr := commit()
			stats.Took = time.Since(start)
			if ctx.Err() != nil {
				return stats, errors.Join(fmt.Errorf("replay %s: %w", topic, ctx.Err()), cerr)
			}
			if errors.Is(err, context.DeadlineExceeded) {
				return stats, errors.Join(fmt.Errorf("replay %s with group %s: no record for %s while %d partition(s) are below their end offsets", topic, group, wait, len(pos)), cerr)
			}
			return stats, errors.Join(fmt.Errorf("replay %s with group %s: fetch: %w", topic, group, err), cerr)
		}
		if stats.Records == 0 {
			stats.JoinWait = time.Since(start)
		}
		if _, ok := pos[m.Partition]; !ok || m.Offset >= end[m.Partition] {
			continue // written after the start: beyond what this replay owes
		}
		rec := recordOf(m)
		if err := fn(rec); err != nil {
			cerr := commit()
			stats.Took = time.Since(start)
			return stats, errors.Join(fmt.Errorf("replay %s at %s: %w", topic, rec.Position(), err), cerr)
		}
		stats.Records++
		pending = append(pending, m)
		if pos[m.Partition] = m.Offset + 1; pos[m.Partition] >= end[m.Partition] {
			delete(pos, m.Partition)
		}
		if len(pending) >= replayCommitEvery || time.Since(lastCommit) >= replayCommitAfter || len(pos) == 0 {
			if err := commit(); err != nil {
				stats.Took = time.Since(start)
				return stats, err
			}
		}
	}
	stats.Took = time.Since(start)
	return stats, nil
}
