// Package itest holds the integration tests: the three services run
// in-process, in both modes, against a broker — the embedded kfake broker by
// default, a real Kafka when KAFKA_BROKERS is set (CI sets it).
package itest
