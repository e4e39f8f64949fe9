package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql's "pgx" driver

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/kafkalog"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// chaosReplicas is how many replicas of each service the PostgreSQL chaos
// run keeps: two, so a kill always leaves one to take over.
const chaosReplicas = 2

// duplicatesMetric counts, per process, the redelivered events its inbox
// had seen already and skipped.
const duplicatesMetric = "consumer_duplicate_events_total"

// TestChaosOnPostgresWithReplicas is the chaos run (chaosSaga: declines,
// deadlines, customer cancels) on PostgreSQL, every service as two
// replicas behind flowctl's balancer, one consumer group per service:
// a seeded-random replica of each service in turn gets SIGKILL and is
// started again, then the embedded broker restarts. Afterwards every
// accepted order is final, the ledger check is clean, and every topic of
// the stack, read off the broker, holds each outbox row once — a copy
// beyond the first only where a break explains it (judgeDuplicates). One
// run per saga style, to keep it near three minutes on two cores: the
// choreographed stack on the embedded broker; the orchestrated one there
// too, or with KAFKA_BROKERS set (CI's Apache Kafka) on that broker under a
// topic prefix of its own and without the broker's restart: the rest of
// `make test` shares it.
func TestChaosOnPostgresWithReplicas(t *testing.T) {
	if testing.Short() {
		t.Skip("runs two stacks of six processes on PostgreSQL; skipped with -short")
	}
	admin := postgresURL(t)
	t.Run("events embedded broker", func(t *testing.T) { chaosOnReplicas(t, admin, stackmode.Events, "") })
	external, on := os.Getenv("KAFKA_BROKERS"), "KAFKA_BROKERS"
	if external == "" {
		on = "embedded broker"
	}
	t.Run("events-orchestration "+on, func(t *testing.T) { chaosOnReplicas(t, admin, stackmode.Orchestration, external) })
}

// chaosOnReplicas is one chaos run of mode's stack on a database of its
// own on admin's server, on the broker external names ("": the embedded
// one).
func chaosOnReplicas(t *testing.T, admin string, m stackmode.Mode, external string) {
	env := chaosEnv()
	env["DATABASE_URL"] = ownDatabase(t, admin, "chaos")
	ks := upKillStackOf(t, killSpec{prefix: "chaos-pg", external: external, env: env, mode: m, replicas: chaosReplicas, seed: chaosSeed})
	run := chaosSaga(t, ks)
	for _, f := range run.failures() {
		t.Error(f)
	}

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	log := kafkalog.LogOf(m, ks.topicPrefix())
	var copies []eventCopy
	for _, topic := range log.Topics() {
		recs, err := kafkalog.ReadAll(ctx, ks.brokers(), topic)
		if err != nil {
			t.Fatalf("read %s: %v", topic, err)
		}
		for _, r := range recs {
			copies = append(copies, copyOf(r))
		}
	}
	v := judgeDuplicates(copies, ks.log, producersOf(log), relayWriteWindow())
	t.Logf("%s: %s (topics %v; breaks %v)", m, v, log.Topics(), ks.log)
	t.Logf("%s: the inboxes skipped n=%.0f redelivered events (%s summed over every replica, each killed one read just before its SIGKILL)",
		m, ks.skippedByKilled+ks.skippedNow(ctx), duplicatesMetric)
	for _, r := range v.Republished {
		t.Logf("republished: %s", r)
	}
	for _, u := range v.Unexplained {
		t.Errorf("published twice: %s", u)
	}
}

// producersOf maps each of log's topics to the services that publish on it.
func producersOf(log kafkalog.Log) map[string][]string {
	out := map[string][]string{}
	for _, s := range log.Services() {
		for _, topic := range topology.Prefixed(log.Prefix, s.Produces) {
			out[topic] = append(out[topic], s.Name)
		}
	}
	return out
}

// skippedAt reads duplicatesMetric off the process at url.
func (ks *killStack) skippedAt(ctx context.Context, url string) float64 {
	ks.t.Helper()
	m, err := api.GetMetrics(ctx, url, nil)
	if err != nil {
		ks.t.Errorf("read %s: %v", duplicatesMetric, err)
	}
	return m[duplicatesMetric]
}

// skippedNow sums duplicatesMetric over every process of the stack now.
func (ks *killStack) skippedNow(ctx context.Context) float64 {
	sum := 0.0
	for _, s := range ks.mode.Services() {
		for _, u := range ks.urls(s.Name) {
			sum += ks.skippedAt(ctx, u)
		}
	}
	return sum
}

// ownDatabase creates a database for one test on admin's server and
// returns its URL; flowctl makes each stack's database beside it
// (stack.StackDatabaseURL), and the test's end drops them all.
func ownDatabase(t *testing.T, admin, prefix string) string {
	t.Helper()
	cfg, err := pgx.ParseConfig(admin)
	if err != nil {
		t.Fatalf("TEST_DATABASE_URL: %v", err)
	}
	db, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("%s_%d", prefix, time.Now().UnixNano())
	if _, err := db.Exec(`CREATE DATABASE ` + pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatalf("create database %s on %s:%d: %v", name, cfg.Host, cfg.Port, err)
	}
	own := replaceDatabase(t, admin, name)
	t.Cleanup(func() {
		defer db.Close()
		names := []string{name}
		for _, m := range stackmode.All {
			u, _ := stack.StackDatabaseURL(own, m, false)
			if c, err := pgx.ParseConfig(u); err == nil {
				names = append(names, c.Database)
			}
		}
		for _, n := range names {
			if _, err := db.Exec(`DROP DATABASE IF EXISTS ` + pgx.Identifier{n}.Sanitize() + ` WITH (FORCE)`); err != nil {
				t.Errorf("drop database %s: %v", n, err)
			}
		}
	})
	return own
}

// replaceDatabase is u with its database (the path) set to name.
func replaceDatabase(t *testing.T, u, name string) string {
	t.Helper()
	p, err := url.Parse(u)
	if err != nil {
		t.Fatalf("TEST_DATABASE_URL: %v", err)
	}
	p.Path = "/" + name
	return p.String()
}
