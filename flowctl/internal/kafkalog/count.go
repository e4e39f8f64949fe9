package kafkalog

import "context"

// Records counts the records topics hold: per partition, its end offset
// minus its first. A topic the broker does not have holds none. It reads
// offsets only, so it is cheap enough to poll (the dashboard's dead-letter
// count).
func Records(ctx context.Context, brokers []string, topics ...string) (int64, error) {
	return Count(ctx, brokers, nil, topics...)
}
