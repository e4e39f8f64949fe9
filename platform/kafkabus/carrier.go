// Package kafkabus is the Kafka side of the services: a writer and reader tuned
// for a demo that measures milliseconds, trace context in message headers, a
// consumer loop that fetches, hands each batch to a Handler (platform/consume
// builds it) and commits, and idempotent topic creation.
package kafkabus

import (
	"github.com/segmentio/kafka-go"
)

// HeaderCarrier adapts Kafka headers to OTel's TextMapCarrier.
type HeaderCarrier struct{ Headers *[]kafka.Header }

func (c HeaderCarrier) Get(key string) string {
	for _, h := range *c.Headers {
		if h.Key == key {
			return string(h.Value)
		}
	}
	return ""
}

func (c HeaderCarrier) Set(key, value string) {
	for i, h := range *c.Headers {
		if h.Key == key {
			(*c.Headers)[i].Value = []byte(value)
			return
		}
	}
	*c.Headers = append(*c.Headers, kafka.Header{Key: key, Value: []byte(value)})
}

func (c HeaderCarrier) Keys() []string {
	keys := make([]string, 0, len(*c.Headers))
	for _, h := range *c.Headers {
		keys = append(keys, h.Key)
	}
	return keys
}

// Header returns the value of key in headers, or "".
func Header(headers []kafka.Header, key string) string {
	return HeaderCarrier{&headers}.Get(key)
}
