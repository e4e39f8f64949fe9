package kafkalog

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Outcome is what Redrive did with one selected dead letter.
type Outcome string

const (
	// Published: a copy was written to the original topic now.
	Published Outcome = "published"
	// WouldPublish: a dry run; nothing was written.
	WouldPublish Outcome = "would-publish"
	// AlreadyRedriven: an earlier redrive published its copy; not again.
	AlreadyRedriven Outcome = "already-redriven"
)

// Redriven is one selected dead letter and what became of it.
type Redriven struct {
	Entry   DLQEntry `json:"entry"`
	Outcome Outcome  `json:"outcome"`
	// To is where the copy is: written now (Published), written earlier
	// (AlreadyRedriven), or would go (WouldPublish: offset -1, partition by
	// the key's hash as the writer would choose it).
	To Position `json:"to"`
}

// Redrive republishes the dead letters under prefix that sel selects (all
// when sel is nil) to their original topics, with their original key, value
// and headers, minus the dlq-* headers the consumer added, plus
// redriven-from: <dlq topic>/<partition>/<offset>. The services then handle
// them as any new record; an event that is still invalid is dead-lettered
// again and comes back to the dead-letter topic at a new offset (its
// RedrivenFrom names the dead letter it was redriven from). Every group on
// the original topic sees the copy; the services' inboxes drop an event id
// they already handled.
//
// A dead letter is redriven at most once. What marks it is the copy itself:
// the redriven-from header on the record in the original topic, which
// ListDLQ finds by reading those topics. A consumer group on the dead-letter
// topic (committed offset = "redriven up to here") was the alternative and
// was rejected: a committed offset is a high-water mark, so redriving one
// selected event (--event-id) would mark every earlier dead letter of that
// partition as done too; and the publish and the commit are two writes, so a
// crash between them publishes twice on the next run. The copy's header is
// written in the same write that redrives, is exact per dead letter, and
// needs no state besides the log. Its limits: two redrives running at once
// can both publish the same dead letter, and a copy deleted by retention
// from the original topic no longer marks its dead letter.
//
// With dryRun nothing is written. An error stops the redrive; what was
// published before it is returned with it.
func Redrive(ctx context.Context, brokers []string, l Log, sel func(DLQEntry) bool, dryRun bool) ([]Redriven, error) {
	s, err := newSession(brokers)
	if err != nil {
		return nil, err
	}
	defer s.close()
	entries, err := s.listDLQ(ctx, l)
	if err != nil {
		return nil, fmt.Errorf("redrive: %w", err)
	}
	// Dead-letter order per partition, so one order's dead letters are
	// republished in the order they were dead-lettered.
	slices.SortFunc(entries, func(a, b DLQEntry) int {
		return cmp.Or(cmp.Compare(a.Topic, b.Topic), cmp.Compare(a.Partition, b.Partition), cmp.Compare(a.Offset, b.Offset))
	})
	p := s.newPublisher()
	defer p.close()
	var out []Redriven
	for _, e := range entries {
		if sel != nil && !sel(e) {
			continue
		}
		switch {
		case e.RedrivenTo != nil:
			out = append(out, Redriven{Entry: e, Outcome: AlreadyRedriven, To: *e.RedrivenTo})
		case dryRun:
			part, err := p.partitionFor(ctx, e.Target(), e.Key)
			if err != nil {
				return out, fmt.Errorf("redrive %s (dry run): %w", e.Position(), err)
			}
			out = append(out, Redriven{Entry: e, Outcome: WouldPublish, To: Position{Topic: e.Target(), Partition: part, Offset: -1}})
		default:
			to, err := p.publish(ctx, e.Target(), e.Key, e.Value, redriveHeaders(e))
			if err != nil {
				return out, fmt.Errorf("redrive %s: %w", e.Position(), err)
			}
			out = append(out, Redriven{Entry: e, Outcome: Published, To: to})
		}
	}
	return out, nil
}

// redriveHeaders are the dead letter's headers as the producer wrote them
// (event type and id, trace context, so the redriven handling joins the
// original trace) without the consumer's dlq-* ones, plus redriven-from.
// A dead letter that is itself a failed redrive gets its redriven-from
// replaced: the copy points at the dead letter it is made from.
func redriveHeaders(e DLQEntry) map[string]string {
	h := maps.Clone(e.Headers)
	if h == nil {
		h = map[string]string{}
	}
	maps.DeleteFunc(h, func(k, _ string) bool { return strings.HasPrefix(k, dlqHeaderPrefix) })
	h[HeaderRedrivenFrom] = e.Position().String()
	return h
}
