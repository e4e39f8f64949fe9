package kafkabus

import (
	"context"
	"errors"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/orderflow/platform/retry"
)

// formerMember leaves the group, for kafka-go, under a member id it gave up.
// When a generation ends because the broker went away, kafka-go's next join
// fails, it tries to leave under the old id (which fails too: the broker is
// down), forgets the id and later joins under a new one. A broker that kept
// the old member, as Kafka and kfake do across a restart (they reload a
// group with its members), then holds that join until the old member
// rejoins, which it never does, or until the rebalance timeout: every
// consumer of the stack stood still that long after the broker came back.
// Leaving under the old id once the broker answers ends the wait at once.
type formerMember struct {
	c *Consumer
	// last is the member id of the generation that ran last; "" once it was
	// handed to a leaver.
	last string
}

// joined records the member id of a new generation.
func (f *formerMember) joined(gen *kafka.Generation) { f.last = gen.MemberID }

// failed records a failed join: unless the group was rebalancing (kafka-go
// then keeps its member id), the last generation's id is given up. The
// leaver runs until the broker answers, even when the group re-formed
// without it meanwhile: a leave of a member the broker dropped is harmless.
func (f *formerMember) failed(ctx context.Context, err error) {
	if f.last == "" || errors.Is(err, kafka.RebalanceInProgress) {
		return
	}
	go f.c.leave(ctx, f.last)
	f.last = ""
}

// leaveBackoff spaces the attempts while the broker is away at the pace of
// kafka-go's own rejoins (kafkaconf's JoinGroupBackoff, 250 ms): the leave
// is what the rejoin waits for once the broker answers.
var leaveBackoff = retry.Backoff{First: 50 * time.Millisecond, Max: 250 * time.Millisecond}

// leave removes member from the consumer's group, retrying until the broker
// answers or ctx ends. An unknown member is fine: the broker dropped it.
func (c *Consumer) leave(ctx context.Context, member string) {
	err := retry.Do(ctx, leaveBackoff, 0, temporary, func() error {
		return leaveGroup(ctx, c.cfg.Brokers, c.cfg.Group, member)
	})
	switch {
	case err == nil:
		c.cfg.Logger.InfoContext(ctx, "left the group under the member id kafka-go gave up, so its rejoin does not wait for it", "group", c.cfg.Group, "member", member)
	case errors.Is(err, kafka.UnknownMemberId), ctx.Err() != nil:
	default:
		c.cfg.Logger.WarnContext(ctx, "could not leave the group under a former member id; the rejoin waits for the rebalance timeout", "group", c.cfg.Group, "member", member, "err", err)
	}
}

// leaveGroup asks once, on a transport of its own: kafka-go's transport
// keeps answering "broker not available" from what it learnt while the
// broker was away until its metadata expires (6 s), longer than the wait
// this ends.
func leaveGroup(ctx context.Context, brokers []string, group, member string) error {
	transport := &kafka.Transport{}
	defer transport.CloseIdleConnections()
	client := &kafka.Client{Addr: kafka.TCP(brokers...), Transport: transport, Timeout: 2 * time.Second}
	res, err := client.LeaveGroup(ctx, &kafka.LeaveGroupRequest{
		GroupID: group,
		Members: []kafka.LeaveGroupRequestMember{{ID: member}},
	})
	if err != nil {
		return err
	}
	if res.Error != nil {
		return res.Error
	}
	for _, m := range res.Members {
		if m.Error != nil {
			return m.Error
		}
	}
	return nil
}

// temporary says whether a leave is worth another try: a network error or
// "broker not available" (kafka-go's answer while it cannot reach one: the
// broker is away), or an error Kafka calls retriable (coordinator loading or
// moving).
func temporary(err error) bool {
	var kerr kafka.Error
	if errors.As(err, &kerr) {
		return kerr.Temporary() || kerr == kafka.BrokerNotAvailable
	}
	return true
}
