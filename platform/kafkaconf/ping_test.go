package kafkaconf_test

import (
	"context"
	"net"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/orderflow/platform/kafkaconf"
)

func TestPingSeesABrokerGoAway(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	addrs := c.ListenAddrs()
	if err := kafkaconf.Ping(context.Background(), addrs); err != nil {
		t.Fatalf("Ping of a running broker: %v", err)
	}
	c.Close()
	if err := kafkaconf.Ping(context.Background(), addrs); err == nil {
		t.Fatal("Ping reports a closed broker as answering")
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := ln.Addr().String()
	ln.Close()
	if err := kafkaconf.Ping(context.Background(), []string{dead}); err == nil {
		t.Fatal("Ping of a closed port succeeded")
	}
}
