package service

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/orderflow/platform/consume"
	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/httpserver"
	"github.com/orderflow/platform/inbox"
	"github.com/orderflow/platform/kafkabus"
	"github.com/orderflow/platform/kafkaconf"
	"github.com/orderflow/platform/outbox"
	"github.com/orderflow/platform/retry"
	"github.com/orderflow/platform/runner"
	"github.com/orderflow/platform/topology"
)

// Messaging is a service's events-mode machinery: topics, outbox relay,
// consumers and the dead-letter writer.
type Messaging struct {
	kit       *Kit
	topics    []string
	Publisher *kafkabus.Publisher
	Relay     *outbox.Relay
	Consumers []*kafkabus.Consumer
	// Stats count what the consumers' chains did (consumer_* metrics).
	Stats consume.Stats
	// Inbox forgets processed event ids once Kafka cannot deliver them again.
	Inbox *inbox.Pruner
	// topicsReady is closed once the topics exist; consumers wait for it, so a
	// service may start before its broker.
	topicsReady chan struct{}
	readyOnce   sync.Once
}

// Messaging prepares events mode for a service whose outbox and inbox live in
// db (the writer); read is its read pool (sqlitedb.OpenReader), used for the
// outbox gauge and the relay's reads so neither waits for the writer's
// transactions. The topics it produces to and consumes from are the
// topology's (platform/topology), under KAFKA_TOPIC_PREFIX; they and their
// DLQs are created at start-up.
func (k *Kit) Messaging(db, read *sql.DB) *Messaging {
	var all []string
	for _, t := range topology.Prefixed(k.Config.TopicPrefix, k.place().Topics()) {
		all = append(all, t, events.DLQ(t))
	}
	pub := &kafkabus.Publisher{Writer: kafkabus.NewWriter(k.Config.KafkaBrokers, k.Logger), Tracer: k.Tracer, Propagation: k.Propagation}
	m := &Messaging{
		kit:         k,
		topics:      all,
		Publisher:   pub,
		Relay:       outbox.NewRelay(db, pub, k.Tracing.Propagator, k.Logger),
		Inbox:       inbox.NewPruner(db, k.Logger),
		topicsReady: make(chan struct{}),
	}
	k.messaging = m
	m.Relay.Read = read
	k.Registry.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "outbox_pending_events", Help: "Outbox rows not yet published to Kafka."}, func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			n, err := outbox.Pending(ctx, read)
			if err != nil {
				return -1
			}
			return float64(n)
		}),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "outbox_published_events_total", Help: "Outbox rows published by this process."}, func() float64 { return float64(m.Relay.Published.Load()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "outbox_publish_failures_total", Help: "Failed publish attempts of the outbox relay."}, func() float64 { return float64(m.Relay.Failures.Load()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "consumer_processed_events_total", Help: "Events handled by this service's consumers."}, func() float64 { return float64(m.Stats.Processed.Load()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "consumer_dead_lettered_events_total", Help: "Events sent to a dead-letter topic."}, func() float64 { return float64(m.Stats.DeadLetter.Load()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "inbox_pruned_events_total", Help: "Processed event ids forgotten after the inbox retention."}, func() float64 { return float64(m.Inbox.Pruned.Load()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "consumer_duplicate_events_total", Help: "Redelivered events the inbox had already seen: skipped, not applied again."}, func() float64 { return float64(m.Stats.Duplicates.Load()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "consumer_retries_total", Help: "Handler attempts that failed and were retried."}, func() float64 { return float64(m.Stats.Retries.Load()) }),
	)
	return m
}

// Outbox is the writer for events the service publishes on the first topic
// it produces to: rows carry the trace context and wake this service's relay.
func (m *Messaging) Outbox() *outbox.Writer { return m.OutboxTo(m.kit.place().Produces[0]) }

// OutboxTo is the writer for events the service publishes on topic (named
// without the prefix); a topic the topology does not let it produce to is a
// programming error.
func (m *Messaging) OutboxTo(topic string) *outbox.Writer {
	if !slices.Contains(m.kit.place().Produces, topic) {
		panic(fmt.Sprintf("%s (SAGA=%s) does not produce to %s (platform/topology)", m.kit.Config.Service, m.kit.Config.Saga, topic))
	}
	return &outbox.Writer{Topic: m.kit.Config.Topic(topic), Propagator: m.kit.Tracing.Propagator, Relay: m.Relay}
}

// place is the service's entry in the topology of its saga style. A service
// missing from it is a programming error caught by every test that wires it.
func (k *Kit) place() topology.Service {
	s, err := k.Config.Place()
	if err != nil {
		panic(err)
	}
	return s
}

// Consume adds a consumer of the topics the topology says the service
// consumes, in the service's group, that applies
// events through routes in db (inbox claim, state change and the emitted
// events in one transaction); emit receives what the handlers emit (nil when
// they emit nothing). Around that, consume.DefaultChain: tracing, decoding,
// dead-lettering, retries and fault injection, in the order it lists.
func (m *Messaging) Consume(db *sql.DB, routes consume.Routes, emit *outbox.Writer) *kafkabus.Consumer {
	return m.ConsumeLocked(db, nil, routes, emit)
}

// ConsumeLocked is Consume whose transactions take lock first
// (consume.Processor.Lock): a service whose events update a few hot rows.
func (m *Messaging) ConsumeLocked(db *sql.DB, lock consume.Lock, routes consume.Routes, emit *outbox.Writer) *kafkabus.Consumer {
	topics := topology.Prefixed(m.kit.Config.TopicPrefix, m.kit.place().Consumes)
	group := m.kit.Config.ConsumerGroup()
	p := &consume.Processor{DB: db, Routes: routes, Outbox: emit, Stats: &m.Stats, Lock: lock}
	c := kafkabus.NewConsumer(kafkabus.ConsumerConfig{
		Brokers: m.kit.Config.KafkaBrokers,
		Group:   group,
		Topics:  topics,
		Handler: consume.DefaultChain(p.Handle, consume.ChainConfig{
			Group:  group,
			Tracer: m.kit.Tracer,
			Parent: m.kit.Propagation.ConsumerStart,
			DLQ:    m.Publisher.Writer, // one writer: messages carry their topic
			Faults: m.kit.Faults,
			Logger: m.kit.Logger,
			Stats:  &m.Stats,
		}),
		Logger:    m.kit.Logger,
		BatchMax:  m.kit.Config.ConsumerBatchMax,
		BatchWait: m.kit.Config.ConsumerBatchWait,
	})
	m.Consumers = append(m.Consumers, c)
	return c
}

// ReadyChecks are the broker's and the consumers' readiness checks: the
// broker answers, and every consumer owns its partitions (joined its group,
// got its assignment, fetched from each partition once), so an event
// published once /readyz says ready is not kept waiting for the group join.
func (m *Messaging) ReadyChecks() []httpserver.Check {
	return []httpserver.Check{
		{Name: "kafka", Check: func(ctx context.Context) error {
			return kafkaconf.Ping(ctx, m.kit.Config.KafkaBrokers)
		}},
		{Name: "consumers", Check: func(context.Context) error {
			for _, c := range m.Consumers {
				if err := c.Ready(); err != nil {
					return err
				}
			}
			return nil
		}},
	}
}

// Parts are the long-running functions: topic creation (retried until the
// broker answers), the relay, the inbox pruner, and each consumer once the
// topics exist.
func (m *Messaging) Parts() []runner.Func {
	parts := []runner.Func{m.ensureTopics, m.Relay.Run, m.Inbox.Run}
	for _, c := range m.Consumers {
		parts = append(parts, func(ctx context.Context) error {
			select {
			case <-ctx.Done():
				return nil
			case <-m.topicsReady:
			}
			return c.Run(ctx)
		})
	}
	return parts
}

// WaitTopics blocks until the topics exist or ctx ends.
func (m *Messaging) WaitTopics(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-m.topicsReady:
		return nil
	}
}

func (m *Messaging) ensureTopics(ctx context.Context) error {
	backoff := retry.Backoff{First: 50 * time.Millisecond, Max: 5 * time.Second}
	for attempt := 1; ; attempt++ {
		err := kafkabus.EnsureTopics(ctx, m.kit.Config.KafkaBrokers, m.kit.Config.ReplicationFactor, m.kit.Config.Partitions, m.topics...)
		if err == nil {
			err = kafkabus.TopicsVisible(ctx, m.kit.Config.KafkaBrokers, m.topics...)
		}
		if err == nil {
			m.readyOnce.Do(func() { close(m.topicsReady) })
			m.kit.Logger.InfoContext(ctx, "topics ready", "topics", m.topics, "brokers", m.kit.Config.KafkaBrokers)
			return nil
		}
		if ctx.Err() != nil {
			return nil
		}
		delay := backoff.Delay(attempt)
		m.kit.Logger.WarnContext(ctx, "creating topics failed; retrying", "err", err, "retry_in", delay.String())
		if !retry.Sleep(ctx, delay) {
			return nil
		}
	}
}

// Close closes the writer.
func (m *Messaging) Close() {
	_ = m.Publisher.Close()
}
