package kafkalog_test

import (
	"strings"
	"testing"
	"time"

	"github.com/orderflow/platform/kafkaconf"

	"github.com/orderflow/flowctl/internal/kafkalog"
)

// A run's reads see what the run wrote, however much history the log
// holds: 40 earlier events, then the run's 7.
func TestReadsFromAMarkSeeOnlyWhatCameAfter(t *testing.T) {
	const topic = "inventory.v1"
	brokers := cluster(t, topic)
	publishEvents(t, brokers, topic, 40) // order ids 00000000…00000039: history
	mark, err := kafkalog.EndOffsets(ctx(t), brokers, topic, "not-yet.v1")
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(10 * time.Millisecond) // the run's records get later timestamps than at
	at := time.Now()
	time.Sleep(10 * time.Millisecond)
	for i := range 7 {
		id, env, value := envelope(t, 1000+i)
		if _, _, err := kafkalog.Publish(ctx(t), brokers, topic, []byte(id), value, map[string]string{
			kafkaconf.HeaderEventType: env.Type, kafkaconf.HeaderEventID: env.ID,
		}); err != nil {
			t.Fatal(err)
		}
	}
	ours := func(what string, recs []kafkalog.Record) {
		t.Helper()
		if len(recs) != 7 {
			t.Errorf("%s: %d records, want the run's 7", what, len(recs))
		}
		for _, r := range recs {
			if !strings.HasPrefix(r.OrderID(), "00001") {
				t.Errorf("%s: read %s, an order from before the run", what, r.OrderID())
			}
		}
	}
	if n, err := kafkalog.Count(ctx(t), brokers, mark, topic, "not-yet.v1"); err != nil || n != 7 {
		t.Errorf("Count since the mark = %d, %v; want 7", n, err)
	}
	if n, err := kafkalog.Count(ctx(t), brokers, nil, topic); err != nil || n != 47 {
		t.Errorf("Count of everything = %d, %v; want 47", n, err)
	}
	recs, err := kafkalog.ReadFrom(ctx(t), brokers, topic, mark[topic])
	if err != nil {
		t.Fatal(err)
	}
	ours("ReadFrom the mark", recs)

	byTime, err := kafkalog.OffsetsAt(ctx(t), brokers, at, topic)
	if err != nil {
		t.Fatal(err)
	}
	recs, err = kafkalog.ReadFrom(ctx(t), brokers, topic, byTime[topic])
	if err != nil {
		t.Fatal(err)
	}
	ours("ReadFrom the offsets at a time", recs)

	var replayed []kafkalog.Record
	group := "replay.since." + t.Name()
	st, err := kafkalog.ReplayFrom(ctx(t), brokers, topic, group, mark[topic], func(r kafkalog.Record) error {
		replayed = append(replayed, r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ours("ReplayFrom the mark", replayed)
	if st.Records != 7 {
		t.Errorf("ReplayFrom stats %+v", st)
	}
	if lag, err := kafkalog.GroupLag(ctx(t), brokers, group, []string{topic}); err != nil || lag != 0 {
		t.Errorf("the replay group's lag = %d, %v; want 0", lag, err)
	}
}
