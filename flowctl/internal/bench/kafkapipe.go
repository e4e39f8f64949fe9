package bench

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/segmentio/kafka-go"

	"github.com/orderflow/platform/kafkaconf"
	"github.com/orderflow/platform/retry"

	"github.com/orderflow/flowctl/internal/kafkalog"
)

// KafkaPipe is the Kafka baseline: produce → consume → produce → consume →
// produce → consume over three topics of its own on the stack's broker, with
// orderflow's kafka-go settings (platform/kafkaconf) and no database — what
// the events mode's three hops cost before any work is done.
type KafkaPipe struct {
	brokers []string
	topics  []string
	groups  []string
	writers []*kafka.Writer // writers[i] writes topics[i]
	readers []*kafka.Reader // readers[i] reads topics[i]
	cancel  context.CancelFunc
	wg      sync.WaitGroup

	mu   sync.Mutex
	step uint64 // the step whose messages count; older ones are ignored
	col  *collector
	last uint64
}

// TopicPrefix starts the name of every topic and group the baseline makes,
// so none can clash with the services' and a leftover is easy to recognise.
const TopicPrefix = "bench."

// pipeHops is the number of topics (and consumers) in the pipeline.
const pipeHops = 3

// pipePartitions matches the services' topics (platform/kafkabus.Partitions).
const pipePartitions = 3

// A message's value: step id, sequence number, when it was first produced
// and when this hop produced it (Unix ns), padded to an event's size.
const (
	offStep, offSeq, offOrigin, offHop = 0, 8, 16, 24
	pipeValueSize                      = 256
)

// StartKafkaPipe creates the topics, starts the three consumers and waits
// until a message makes it through all three hops (their groups joined).
func StartKafkaPipe(ctx context.Context, brokers []string, replication int) (*KafkaPipe, error) {
	run := TopicPrefix + uuid.NewString()[:8] + "."
	p := &KafkaPipe{brokers: brokers}
	for i := range pipeHops {
		p.topics = append(p.topics, run+"hop"+strconv.Itoa(i+1))
		p.groups = append(p.groups, run+"stage"+strconv.Itoa(i+1))
	}
	if err := createTopics(ctx, brokers, replication, p.topics); err != nil {
		return nil, err
	}
	runCtx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	for i := range pipeHops {
		w := kafkaconf.Writer(brokers)
		// Async: a stage hands each message to the writer and fetches the
		// next; a synchronous write per message would cap a stage at one
		// batch timeout plus a round trip per message.
		w.Async = true
		w.Completion = p.completed
		p.writers = append(p.writers, w)
		rc := kafkaconf.GroupReader(brokers, p.groups[i], []string{p.topics[i]})
		// Offsets are committed in the background: the baseline measures the
		// transport, not a commit discipline (the services commit per batch).
		rc.CommitInterval = 200 * time.Millisecond
		p.readers = append(p.readers, kafka.NewReader(rc))
	}
	for i := range pipeHops {
		p.wg.Go(func() { p.stage(runCtx, i) })
	}
	if err := p.warmUp(ctx); err != nil {
		p.Close(ctx)
		return nil, err
	}
	return p, nil
}

func createTopics(ctx context.Context, brokers []string, replication int, topics []string) error {
	c := &kafka.Client{Addr: kafka.TCP(brokers...), Timeout: 10 * time.Second}
	req := &kafka.CreateTopicsRequest{}
	for _, t := range topics {
		req.Topics = append(req.Topics, kafka.TopicConfig{Topic: t, NumPartitions: pipePartitions, ReplicationFactor: max(replication, 1)})
	}
	res, err := c.CreateTopics(ctx, req)
	if err != nil {
		return fmt.Errorf("create the baseline's topics: %w", err)
	}
	for t, err := range res.Errors {
		if err != nil && !errors.Is(err, kafka.TopicAlreadyExists) {
			return fmt.Errorf("create topic %s: %w", t, err)
		}
	}
	return nil
}

// warmUp sends one message at a time until one comes out at the end: the
// three groups take a few seconds to join, which no step should pay for.
func (p *KafkaPipe) warmUp(ctx context.Context) error {
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		s, err := p.Step(ctx, 1, time.Millisecond, time.Second)
		if err != nil {
			return err
		}
		if s.Done == 1 {
			return nil
		}
	}
	return errors.New("Kafka baseline: no message made it through three hops within 60 s; is the broker healthy? (`flowctl logs`)")
}

// stage consumes topics[i]; the first two produce onto the next topic, the
// last records the end-to-end latency.
func (p *KafkaPipe) stage(ctx context.Context, i int) {
	r := p.readers[i]
	for {
		m, err := r.FetchMessage(ctx)
		if err != nil {
			// The reader retries by itself; a broker gone away must not turn
			// this loop into a spin.
			if retry.Wait(ctx, 50*time.Millisecond) != nil {
				return
			}
			continue
		}
		now := time.Now()
		_ = r.CommitMessages(ctx, m) // queued; committed every CommitInterval
		if len(m.Value) < pipeValueSize {
			continue
		}
		col := p.collectorFor(binary.BigEndian.Uint64(m.Value[offStep:]))
		if col == nil {
			continue // a message of an earlier step, or of the warm-up
		}
		col.hop(now.Sub(unixNano(m.Value[offHop:])))
		if i == pipeHops-1 {
			col.finish(int(binary.BigEndian.Uint64(m.Value[offSeq:])), now.Sub(unixNano(m.Value[offOrigin:])), false)
			continue
		}
		v := append([]byte(nil), m.Value...)
		binary.BigEndian.PutUint64(v[offHop:], uint64(time.Now().UnixNano()))
		_ = p.writers[i+1].WriteMessages(ctx, kafka.Message{Topic: p.topics[i+1], Key: m.Key, Value: v})
	}
}

// completed is the writers' callback: a message the broker refused is a
// failed unit of its step.
func (p *KafkaPipe) completed(msgs []kafka.Message, err error) {
	if err == nil {
		return
	}
	for _, m := range msgs {
		if col := p.collectorFor(binary.BigEndian.Uint64(m.Value[offStep:])); col != nil {
			col.finish(int(binary.BigEndian.Uint64(m.Value[offSeq:])), 0, true)
		}
	}
}

func (p *KafkaPipe) collectorFor(step uint64) *collector {
	p.mu.Lock()
	defer p.mu.Unlock()
	if step != p.step {
		return nil
	}
	return p.col
}

// Step produces events into the first topic at rate for d and waits up to
// settle after the last for each to come out of the third consumer.
func (p *KafkaPipe) Step(ctx context.Context, rate float64, d, settle time.Duration) (Step, error) {
	n := max(int(rate*d.Seconds()+0.5), 1)
	col := newCollector(n)
	p.mu.Lock()
	p.last++
	id := p.last
	p.step, p.col = id, col
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		p.step, p.col = 0, nil
		p.mu.Unlock()
	}()
	late, sentRate, err := Drive(ctx, rate, n, maxInFlight, func(ctx context.Context, i int) {
		v := make([]byte, pipeValueSize)
		now := uint64(time.Now().UnixNano())
		binary.BigEndian.PutUint64(v[offStep:], id)
		binary.BigEndian.PutUint64(v[offSeq:], uint64(i))
		binary.BigEndian.PutUint64(v[offOrigin:], now)
		binary.BigEndian.PutUint64(v[offHop:], now)
		_ = p.writers[0].WriteMessages(ctx, kafka.Message{Topic: p.topics[0], Key: []byte(strconv.Itoa(i)), Value: v})
	})
	if err != nil {
		return Step{}, err
	}
	col.wait(ctx, time.Now().Add(settle))
	if ctx.Err() != nil {
		return Step{}, ctx.Err()
	}
	return col.step(late, sentRate), nil
}

// Close stops the consumers and writers and deletes the topics and groups.
func (p *KafkaPipe) Close(ctx context.Context) error {
	p.cancel()
	for _, r := range p.readers {
		_ = r.Close()
	}
	p.wg.Wait()
	for _, w := range p.writers {
		_ = w.Close()
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if _, err := kafkalog.Wipe(ctx, p.brokers, p.topics, p.groups, nil, 30*time.Second); err != nil {
		return fmt.Errorf("delete the Kafka baseline's topics (%s*): %w", TopicPrefix, err)
	}
	return nil
}

func unixNano(b []byte) time.Time { return time.Unix(0, int64(binary.BigEndian.Uint64(b))) }
