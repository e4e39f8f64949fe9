package kafkalog

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/kafkaconf"
)

// HeaderRedrivenFrom is set by Redrive on the copy it publishes: the dead
// letter's position, "<dlq topic>/<partition>/<offset>". The other header
// names are platform/kafkaconf's.
const HeaderRedrivenFrom = "redriven-from"

// dlqHeaderPrefix starts every header the consumer adds when dead-lettering.
const dlqHeaderPrefix = "dlq-"

// Topics are the services' topics under prefix (KAFKA_TOPIC_PREFIX, applied
// as platform/config.Config.Topic does).
func Topics(prefix string) []string {
	return []string{prefix + events.TopicOrders, prefix + events.TopicInventory, prefix + events.TopicInvoicing}
}

// DLQTopics are the dead-letter topics of Topics(prefix).
func DLQTopics(prefix string) []string {
	var out []string
	for _, t := range Topics(prefix) {
		out = append(out, events.DLQ(t))
	}
	return out
}

// DLQEntry is one dead letter with what the consumer that gave up on it
// recorded in its headers.
type DLQEntry struct {
	Record
	// OriginalTopic, OriginalPartition and OriginalOffset are where the
	// event was when it was dead-lettered (-1 when a header is missing).
	OriginalTopic     string `json:"original_topic"`
	OriginalPartition int    `json:"original_partition"`
	OriginalOffset    int64  `json:"original_offset"`
	// Group is the consumer group that dead-lettered it.
	Group string `json:"group"`
	// Error is why: the dlq-error header, or, for a record without one, why
	// its value does not decode.
	Error     string `json:"error"`
	EventType string `json:"event_type"`
	EventID   string `json:"event_id"`
	OrderID   string `json:"order_id"`
	// RedrivenFrom is set when this dead letter is itself a redriven copy
	// that failed again: the dead letter it was redriven from.
	RedrivenFrom *Position `json:"redriven_from,omitempty"`
	// RedrivenTo is set once this dead letter was redriven: where its copy
	// sits in the original topic.
	RedrivenTo *Position `json:"redriven_to,omitempty"`
}

// Target is the topic a redrive republishes to: the one whose dead-letter
// topic this is (events.DLQ is how consumers name it).
func (e DLQEntry) Target() string { return strings.TrimSuffix(e.Topic, events.DLQ("")) }

func dlqEntryOf(r Record) DLQEntry {
	e := DLQEntry{
		Record:            r,
		OriginalTopic:     r.Header(kafkaconf.HeaderDLQTopic),
		OriginalPartition: -1,
		OriginalOffset:    -1,
		Group:             r.Header(kafkaconf.HeaderDLQGroup),
		Error:             r.Header(kafkaconf.HeaderDLQError),
		EventType:         r.Header(kafkaconf.HeaderEventType),
		EventID:           r.Header(kafkaconf.HeaderEventID),
		OrderID:           string(r.Key),
	}
	if p, err := strconv.Atoi(r.Header(kafkaconf.HeaderDLQPartition)); err == nil {
		e.OriginalPartition = p
	}
	if o, err := strconv.ParseInt(r.Header(kafkaconf.HeaderDLQOffset), 10, 64); err == nil {
		e.OriginalOffset = o
	}
	if from, err := ParsePosition(r.Header(HeaderRedrivenFrom)); err == nil {
		e.RedrivenFrom = &from
	}
	// Headers first, the value second: the headers are what the producer and
	// the consumer said, and the value may not decode at all.
	if e.EventType == "" || e.EventID == "" || e.OrderID == "" || e.Error == "" {
		d := r.Decode()
		e.EventType = cmp.Or(e.EventType, d.Envelope.Type)
		e.EventID = cmp.Or(e.EventID, d.Envelope.ID)
		e.OrderID = cmp.Or(e.OrderID, d.Envelope.OrderID)
		if e.Error == "" && d.Err != nil {
			e.Error = d.Err.Error()
		}
	}
	if e.OriginalTopic == "" {
		e.OriginalTopic = e.Target()
	}
	return e
}

// ListDLQ lists the dead letters of l's dead-letter topics, oldest first, each marked with where it was redriven to, if it was.
// Missing dead-letter topics hold no dead letters.
func ListDLQ(ctx context.Context, brokers []string, l Log) ([]DLQEntry, error) {
	s, err := newSession(brokers)
	if err != nil {
		return nil, err
	}
	defer s.close()
	return s.listDLQ(ctx, l)
}

func (s *session) listDLQ(ctx context.Context, l Log) ([]DLQEntry, error) {
	var out []DLQEntry
	for _, t := range l.DLQTopics() {
		recs, err := s.readFrom(ctx, t, nil)
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			out = append(out, dlqEntryOf(r))
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	copies := map[string]Position{}
	for _, t := range l.Topics() {
		if !slices.ContainsFunc(out, func(e DLQEntry) bool { return e.Target() == t }) {
			continue // no dead letters from t: nothing to look up
		}
		if err := s.redrivenCopies(ctx, t, copies); err != nil {
			return nil, err
		}
	}
	for i := range out {
		if to, ok := copies[out[i].Position().String()]; ok {
			out[i].RedrivenTo = &to
		}
	}
	slices.SortStableFunc(out, func(a, b DLQEntry) int {
		return cmp.Or(a.Time.Compare(b.Time), cmp.Compare(a.Topic, b.Topic), cmp.Compare(a.Partition, b.Partition), cmp.Compare(a.Offset, b.Offset))
	})
	return out, nil
}

// redrivenCopies adds to copies every record of topic that a redrive
// published, keyed by the dead letter it came from. The first copy wins.
func (s *session) redrivenCopies(ctx context.Context, topic string, copies map[string]Position) error {
	recs, err := s.readFrom(ctx, topic, nil)
	if err != nil {
		return err
	}
	for _, r := range recs {
		from, err := ParsePosition(r.Header(HeaderRedrivenFrom))
		if err != nil {
			continue // not a redriven copy (or a header nobody here wrote)
		}
		if _, seen := copies[from.String()]; !seen {
			copies[from.String()] = r.Position()
		}
	}
	return nil
}
