package main

import (
	"bytes"
	"fmt"
	"slices"
	"time"

	"github.com/orderflow/platform/kafkaconf"

	"github.com/orderflow/flowctl/internal/kafkalog"
	"github.com/orderflow/flowctl/internal/stack"
)

// The outbox relays publish at least once. On PostgreSQL the replicas of a
// service share one outbox, and a relay holds a transaction-scoped advisory
// lock from reading a batch until it has marked the batch published
// (platform/outbox flushShared), so two live relays never publish one row.
// A row goes out twice only when the relay that published it could not mark
// it:
//   - its replica was SIGKILLed between the write and the commit: PostgreSQL
//     rolls the transaction back when the connection drops, the lock frees,
//     and the other replica's relay publishes the batch again;
//   - the broker went away under a write: part of the batch (or a batch
//     whose acknowledgement was lost) was stored, the write failed, and the
//     relay publishes the batch again — or kafka-go retried it itself, with
//     the same timestamp.
// judgeDuplicates holds every copy after the first to one of those.

// eventCopy is one record of a stack's topic as the broker stores it: the
// outbox row's event id and the time the relay stamped on it (kafka-go
// sets it before the write; Kafka keeps milliseconds).
type eventCopy struct {
	Topic     string
	Partition int
	Offset    int64
	EventID   string
	Time      time.Time
	Key       []byte
	Value     []byte
}

func (c eventCopy) String() string {
	return fmt.Sprintf("%s/%d/%d at %s", c.Topic, c.Partition, c.Offset, c.Time.UTC().Format("15:04:05.000"))
}

func copyOf(r kafkalog.Record) eventCopy {
	return eventCopy{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset, EventID: r.Header(kafkaconf.HeaderEventID), Time: r.Time, Key: r.Key, Value: r.Value}
}

// chaosBreak is one break of the chaos run: Target is the service whose
// replica got SIGKILL (Replica, 0 when it ran unscaled) or brokerBreak.
// Begin is taken just before the break, End once it is done (the kill
// sent; the broker started again).
type chaosBreak struct {
	Target  string
	Replica int
	Begin   time.Time
	End     time.Time
}

func (b chaosBreak) String() string {
	if b.Target == brokerBreak {
		return fmt.Sprintf("broker restart %s–%s", b.Begin.UTC().Format("15:04:05.000"), b.End.UTC().Format("15:04:05.000"))
	}
	name := b.Target
	if b.Replica > 0 {
		name = stack.ReplicaName(b.Target, b.Replica)
	}
	return fmt.Sprintf("SIGKILL of %s at %s", name, b.Begin.UTC().Format("15:04:05.000"))
}

// relayWriteWindow bounds how long before its relay's replica died a
// republished batch can have been stamped: one Publish is kafka-go's
// attempts, each up to its write and its read (the acknowledgement)
// timeout, with the backoffs between them (kafkaconf.Writer). Marking the
// batch published is one UPDATE and COMMIT after that: markSlack.
func relayWriteWindow() time.Duration {
	w := kafkaconf.Writer(nil)
	n := time.Duration(w.MaxAttempts)
	return n*(w.WriteTimeout+w.ReadTimeout) + (n-1)*w.WriteBackoffMax + markSlack
}

const markSlack = 5 * time.Second

// dupVerdict is what the broker holds of a chaos run: Records copies of
// Events event ids; Republished copies beyond the first, each explained by
// a break; Unexplained lines, one per copy no break accounts for.
type dupVerdict struct {
	Records     int
	Events      int
	Republished []string
	Unexplained []string
}

func (v dupVerdict) String() string {
	return fmt.Sprintf("%d records of %d events on the broker; %d published again after a break, %d published twice without one",
		v.Records, v.Events, len(v.Republished), len(v.Unexplained))
}

// judgeDuplicates counts the copies of each (topic, event id), in
// kafkalog.ReadAll's order (by partition, then offset; one key's copies
// share a partition), and holds each copy after the first to a break that
// can republish it: a SIGKILL of a replica of a service that produces the
// topic (producers: topic → services), the first copy stamped at most
// window before the kill and the copy after it; or a broker restart, the
// first copy stamped at most window before it began and before it ended,
// the copy not before the first. A copy must also carry the first's key
// and value: the same row, not two rows under one id.
func judgeDuplicates(copies []eventCopy, breaks []chaosBreak, producers map[string][]string, window time.Duration) dupVerdict {
	type id struct{ topic, event string }
	first := map[id]eventCopy{}
	v := dupVerdict{Records: len(copies)}
	for _, c := range copies {
		k := id{c.Topic, c.EventID}
		f, seen := first[k]
		if !seen || c.EventID == "" {
			first[k] = c
			v.Events++
			if c.EventID == "" {
				v.Unexplained = append(v.Unexplained, fmt.Sprintf("%s has no %s header: not an outbox row", c, kafkaconf.HeaderEventID))
			}
			continue
		}
		what := fmt.Sprintf("event %s on %s: first %s, again %s", c.EventID, c.Topic, f, c)
		if !bytes.Equal(c.Key, f.Key) || !bytes.Equal(c.Value, f.Value) {
			v.Unexplained = append(v.Unexplained, what+": key or value differ, two rows under one event id")
			continue
		}
		if b, ok := explains(f, c, breaks, producers[c.Topic], window); ok {
			v.Republished = append(v.Republished, what+" after the "+b.String())
			continue
		}
		v.Unexplained = append(v.Unexplained, what+": no SIGKILL of its producer or broker restart accounts for it (breaks "+fmt.Sprint(breaks)+")")
	}
	return v
}

// explains finds the break that lets again be a republished copy of first.
func explains(first, again eventCopy, breaks []chaosBreak, producers []string, window time.Duration) (chaosBreak, bool) {
	ms := time.Millisecond // Kafka's timestamps are milliseconds
	for _, b := range breaks {
		begin, end := b.Begin.Truncate(ms), b.End
		stampedBefore := !first.Time.Before(begin.Add(-window)) && !first.Time.After(end)
		switch {
		case b.Target == brokerBreak:
			if stampedBefore && !again.Time.Before(first.Time) {
				return b, true
			}
		case slices.Contains(producers, b.Target):
			if stampedBefore && !again.Time.Before(begin) {
				return b, true
			}
		}
	}
	return chaosBreak{}, false
}
