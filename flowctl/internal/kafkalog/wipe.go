package kafkalog

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/orderflow/platform/retry"
)

// Wiped is what Wipe deleted.
type Wiped struct {
	Topics []string
	Groups []string
}

// Wipe deletes topics and the consumer groups named in groups or starting
// with one of groupPrefixes, and returns once the broker no longer lists the
// topics (Apache Kafka deletes a topic asynchronously; recreating it before
// that fails). A group still holding members (a consumer killed within its
// session timeout) is retried until timeout. Topics or groups that do not
// exist are not an error.
func Wipe(ctx context.Context, brokers, topics, groups, groupPrefixes []string, timeout time.Duration) (Wiped, error) {
	var w Wiped
	s, err := newSession(brokers)
	if err != nil {
		return w, err
	}
	defer s.close()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	listed, err := s.client.ListGroups(ctx, &kafka.ListGroupsRequest{})
	if err != nil {
		return w, fmt.Errorf("list consumer groups: %w", err)
	}
	for _, g := range listed.Groups {
		if slices.Contains(groups, g.GroupID) || slices.ContainsFunc(groupPrefixes, func(p string) bool { return strings.HasPrefix(g.GroupID, p) }) {
			w.Groups = append(w.Groups, g.GroupID)
		}
	}
	slices.Sort(w.Groups)
	for pending := w.Groups; len(pending) > 0; {
		res, err := s.client.DeleteGroups(ctx, &kafka.DeleteGroupsRequest{GroupIDs: pending})
		if err != nil {
			return w, fmt.Errorf("delete consumer groups %s: %w", strings.Join(pending, ", "), err)
		}
		var again []string
		for _, g := range pending {
			switch err := res.Errors[g]; {
			case err == nil, errors.Is(err, kafka.GroupIdNotFound):
			case errors.Is(err, kafka.NonEmptyGroup), errors.Is(err, kafka.GroupLoadInProgress), errors.Is(err, kafka.GroupCoordinatorNotAvailable):
				again = append(again, g)
			default:
				return w, fmt.Errorf("delete consumer group %s: %w", g, err)
			}
		}
		if pending = again; len(pending) > 0 {
			if err := retry.Wait(ctx, 250*time.Millisecond); err != nil {
				return w, fmt.Errorf("consumer groups %s still have members: %w", strings.Join(pending, ", "), err)
			}
		}
	}

	var existing []string
	for _, t := range topics {
		if _, err := s.partitions(ctx, t); err == nil {
			existing = append(existing, t)
		} else if !errors.Is(err, ErrUnknownTopic) {
			return w, err
		}
	}
	if len(existing) == 0 {
		return w, nil
	}
	res, err := s.client.DeleteTopics(ctx, &kafka.DeleteTopicsRequest{Topics: existing})
	if err != nil {
		return w, fmt.Errorf("delete topics %s: %w", strings.Join(existing, ", "), err)
	}
	for _, t := range existing {
		if err := res.Errors[t]; err != nil && !errors.Is(err, kafka.UnknownTopicOrPartition) {
			return w, fmt.Errorf("delete topic %s: %w", t, err)
		}
	}
	w.Topics = existing
	for _, t := range existing {
		for {
			_, err := s.partitions(ctx, t)
			if errors.Is(err, ErrUnknownTopic) {
				break
			}
			if err := retry.Wait(ctx, 100*time.Millisecond); err != nil {
				return w, fmt.Errorf("topic %s is still listed after its deletion: %w", t, err)
			}
		}
	}
	return w, nil
}
