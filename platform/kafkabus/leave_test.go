package kafkabus_test

import (
	"context"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/kafkabus"
)

// A broker that restarts keeps its groups' members (kfake restores them from
// its data dir; Kafka reloads them with the group), while kafka-go, whose
// rejoin failed while the broker was away, joins again under a new member
// id: the broker then holds that join for the rebalance timeout, waiting for
// the old member. The consumer leaves under the old id once the broker
// answers; this checks the restarted broker is asked to.
func TestConsumerLeavesUnderItsFormerIDAfterTheBrokerReturns(t *testing.T) {
	dir, group := t.TempDir(), "restart-test"
	addr := freeAddr(t)
	first := restartableBroker(t, addr, dir, nil)
	brokers := []string{addr}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := kafkabus.EnsureTopics(ctx, brokers, 1, kafkabus.DefaultPartitions, groupTestTopic, events.DLQ(groupTestTopic)); err != nil {
		t.Fatal(err)
	}
	var handled atomic.Int64
	logs := &logLines{}
	c := runConsumer(t, kafkabus.NewConsumer(kafkabus.ConsumerConfig{Brokers: brokers, Group: group, Topics: []string{groupTestTopic},
		Handler: func(_ context.Context, b []*kafkabus.Delivery) error { handled.Add(int64(len(b))); return nil },
		Logger:  slog.New(logs)}))
	eventually(t, 30*time.Second, "ready", func() bool { return c.Ready() == nil })
	former := groupMembers(ctx, t, brokers, group)
	if len(former) != 1 {
		t.Fatalf("members before the restart: %v, want one", former)
	}

	first.Close()
	// Two failed joins: kafka-go has given up the old id, and its own leave
	// under it, tried after the first, has failed.
	eventually(t, 30*time.Second, "two failed joins", func() bool { return logs.count("Unable to establish connection to consumer group coordinator") >= 2 })
	open := make(chan struct{})
	second := restartableBroker(t, addr, dir, open)
	var mu sync.Mutex
	var left []string
	second.ControlKey(kmsg.LeaveGroup.Int16(), func(req kmsg.Request) (kmsg.Response, error, bool) {
		second.KeepControl()
		r := req.(*kmsg.LeaveGroupRequest)
		mu.Lock()
		defer mu.Unlock()
		left = append(left, r.MemberID)
		for _, m := range r.Members {
			left = append(left, m.MemberID)
		}
		return nil, nil, false
	})
	close(open) // the broker accepts connections once the control is in place

	eventually(t, 30*time.Second, "a leave under the former member id "+former[0], func() bool {
		mu.Lock()
		defer mu.Unlock()
		return strings.Contains(strings.Join(left, " "), former[0])
	})
	pub := benchPublisher(brokers)
	defer pub.Close()
	benchPublish(t, pub, []kafkabus.Message{seqMessage(t, "00000000-0000-4000-8000-000000000001", 1)})
	eventually(t, 30*time.Second, "the event published after the restart handled", func() bool { return handled.Load() >= 1 })
}

// restartableBroker runs kfake on addr keeping its state in dir, as the
// native stack's broker does; with open, it accepts connections only once
// open is closed.
func restartableBroker(t *testing.T, addr, dir string, open <-chan struct{}) *kfake.Cluster {
	t.Helper()
	_, port, _ := net.SplitHostPort(addr)
	listen := func(network, _ string) (net.Listener, error) {
		ln, err := net.Listen(network, "127.0.0.1:"+port)
		return gatedListener{ln, open}, err
	}
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.DataDir(dir), kfake.DefaultNumPartitions(kafkabus.DefaultPartitions), kfake.ListenFn(listen))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

type gatedListener struct {
	net.Listener
	open <-chan struct{}
}

func (l gatedListener) Accept() (net.Conn, error) {
	if l.open != nil {
		<-l.open
	}
	return l.Listener.Accept()
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func groupMembers(ctx context.Context, t *testing.T, brokers []string, group string) []string {
	t.Helper()
	res, err := (&kafka.Client{Addr: kafka.TCP(brokers...)}).DescribeGroups(ctx, &kafka.DescribeGroupsRequest{GroupIDs: []string{group}})
	if err != nil || len(res.Groups) != 1 {
		t.Fatalf("describe group %s: %v", group, err)
	}
	var ids []string
	for _, m := range res.Groups[0].Members {
		ids = append(ids, m.MemberID)
	}
	return ids
}

// logLines is a slog handler that keeps the messages.
type logLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *logLines) Enabled(context.Context, slog.Level) bool { return true }
func (l *logLines) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, r.Message)
	return nil
}
func (l *logLines) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *logLines) WithGroup(string) slog.Handler      { return l }

func (l *logLines) count(sub string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, s := range l.lines {
		if strings.Contains(s, sub) {
			n++
		}
	}
	return n
}
