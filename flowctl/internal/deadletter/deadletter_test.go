package deadletter

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/kafkalog"
)

func entry(topic string, offset int64, eventID string) kafkalog.DLQEntry {
	return kafkalog.DLQEntry{
		Record:        kafkalog.Record{Topic: topic, Partition: 0, Offset: offset, Time: time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC), Value: []byte(`{"a":1}`)},
		OriginalTopic: strings.TrimSuffix(topic, ".dlq"), OriginalPartition: 1, OriginalOffset: 7,
		Group: "inventory-svc.events", Error: "invalid event:\n  bad sku", EventType: "OrderPlaced", EventID: eventID, OrderID: "order-1234567890",
	}
}

func TestSelector(t *testing.T) {
	a, b := entry("p.orders.v1.dlq", 0, "e-1"), entry("p.inventory.v1.dlq", 0, "e-2")
	cases := []struct {
		name      string
		all       bool
		ids       []string
		topic     string
		want      []bool // a, b
		unmatched string
		wantErr   string
	}{
		{name: "all", all: true, want: []bool{true, true}},
		{name: "topic by DLQ name", topic: "orders.v1.dlq", want: []bool{true, false}},
		{name: "topic by original name with prefix", topic: "p.inventory.v1", want: []bool{false, true}},
		{name: "unknown topic", topic: "shipping.v1.dlq", wantErr: "use one of"},
		{name: "ids, one unknown", ids: []string{"e-2", " e-9 "}, want: []bool{false, true}, unmatched: "e-9"},
		{name: "no id", ids: []string{" "}, wantErr: "give at least one"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sel, unmatched, err := Selector(kafkalog.Log{Prefix: "p."}, c.all, c.ids, c.topic)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err = %v, want %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := []bool{sel(a), sel(b)}; got[0] != c.want[0] || got[1] != c.want[1] {
				t.Errorf("selected %v, want %v", got, c.want)
			}
			if got := strings.Join(unmatched(), ","); got != c.unmatched {
				t.Errorf("unmatched %q, want %q", got, c.unmatched)
			}
		})
	}
}

func TestPrintListAndRedriven(t *testing.T) {
	a := entry("orders.v1.dlq", 3, "e-1")
	back := entry("orders.v1.dlq", 4, "e-1")
	back.RedrivenFrom = &kafkalog.Position{Topic: "orders.v1.dlq", Partition: 0, Offset: 3}
	a.RedrivenTo = &kafkalog.Position{Topic: "orders.v1", Partition: 1, Offset: 99}
	var out bytes.Buffer
	if err := PrintList(&out, []kafkalog.DLQEntry{a, back}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"orders.v1/1/7", "order-12…", "invalid event: bad sku", "→ orders.v1/1/99", "back from orders.v1.dlq/0/3",
		"2 dead letters, 1 redriven, 1 came back after a redrive (still invalid)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("list lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	PrintRedriven(&out, []kafkalog.Redriven{{Entry: a, Outcome: kafkalog.WouldPublish, To: kafkalog.Position{Topic: "orders.v1", Partition: -1, Offset: -1}}}, true)
	if !strings.Contains(out.String(), "would republish") || !strings.Contains(out.String(), "dry run: would republish 1 dead letter; nothing was written") {
		t.Errorf("dry run output:\n%s", out.String())
	}
	// A JSON value stays JSON in the view; anything else is text.
	if v, ok := ViewOf(a).Value.(json.RawMessage); !ok || string(v) != `{"a":1}` {
		t.Errorf("JSON value viewed as %#v", ViewOf(a).Value)
	}
	a.Value = []byte("not json")
	if v, ok := ViewOf(a).Value.(string); !ok || v != "not json" {
		t.Errorf("text value viewed as %#v", ViewOf(a).Value)
	}
}
