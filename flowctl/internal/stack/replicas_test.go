package stack

import (
	"maps"
	"strings"
	"testing"

	"github.com/orderflow/flowctl/internal/stackmode"
)

func TestReplicaPortsNeverHitAnotherServicePort(t *testing.T) {
	taken := map[int]string{}
	for _, m := range stackmode.All {
		for _, svc := range AllServices() {
			taken[ServicePort(8080, m, svc)] = svc
		}
	}
	for _, m := range stackmode.All {
		for _, svc := range AllServices() {
			for i := 1; i <= MaxReplicas; i++ {
				p := ReplicaPort(ServicePort(8080, m, svc), i)
				if other, ok := taken[p]; ok {
					t.Fatalf("%s of %s listens on %d, which is already %s's", ReplicaName(svc, i), m, p, other)
				}
				taken[p] = ReplicaName(svc, i)
			}
		}
	}
	if got := ReplicaPort(8082, 2); got != 10082 {
		t.Errorf("ReplicaPort(8082, 2) = %d, want 10082", got)
	}
}

func TestCheckReplicasRefusesPortsAbove65535(t *testing.T) {
	if err := CheckReplicas("inventory-svc", 3, 8082); err != nil {
		t.Errorf("3 replicas at 8082: %v", err)
	}
	if err := CheckReplicas("inventory-svc", 9, 60000); err == nil || !strings.Contains(err.Error(), "65535") {
		t.Errorf("9 replicas at 60000: err %v, want one naming 65535", err)
	}
	if err := CheckReplicas("inventory-svc", 0, 8082); err == nil {
		t.Error("0 replicas accepted")
	}
}

// TestParseReplicas: up's and bench's --replicas, short and full names;
// every refusal is one line naming the pair and saying what to write.
func TestParseReplicas(t *testing.T) {
	svcs := AllServices()
	cases := []struct {
		in      string
		want    map[string]int
		wantErr string
	}{
		{"", map[string]int{}, ""},
		{"inventory=3", map[string]int{"inventory-svc": 3}, ""},
		{"inventory-svc=3", map[string]int{"inventory-svc": 3}, ""},
		{"inventory=3, order-svc=2", map[string]int{"inventory-svc": 3, "order-svc": 2}, ""},
		{" fraud = 1 ,", map[string]int{"fraud-svc": 1}, ""},
		{"inventory", nil, `--replicas "inventory": write service=n with a whole n, e.g. inventory=3,order-svc=2`},
		{"inventory=x", nil, `--replicas "inventory=x": write service=n`},
		{"=3", nil, `--replicas "=3": write service=n`},
		{"shipping=2", nil, `--replicas "shipping=2": no service shipping; use one of order-svc, inventory-svc`},
		{"inventory=0", nil, `--replicas "inventory=0": use 1 to 9 replicas`},
		{"inventory=10", nil, `--replicas "inventory=10": use 1 to 9 replicas`},
		{"inventory=2,inventory-svc=3", nil, `--replicas "inventory-svc=3": inventory-svc is named twice`},
	}
	for _, c := range cases {
		got, err := ParseReplicas(c.in, svcs)
		if c.wantErr == "" {
			if err != nil || !maps.Equal(got, c.want) {
				t.Errorf("ParseReplicas(%q) = %v, %v; want %v", c.in, got, err, c.want)
			}
			continue
		}
		if err == nil || !strings.HasPrefix(err.Error(), c.wantErr) || strings.Contains(err.Error(), "\n") {
			t.Errorf("ParseReplicas(%q) = %v, %v; want one line starting %q", c.in, got, err, c.wantErr)
		}
	}
}

func TestNeedsPostgres(t *testing.T) {
	cases := []struct {
		o    UpOptions
		want bool
	}{
		{UpOptions{}, false},
		{UpOptions{Replicas: map[string]int{"inventory-svc": 1}}, false},
		{UpOptions{Replicas: map[string]int{"inventory-svc": 3}}, true},
		{UpOptions{Store: StorePostgres}, true},
	}
	for _, c := range cases {
		if got := c.o.NeedsPostgres(); got != c.want {
			t.Errorf("%+v: NeedsPostgres %v, want %v", c.o, got, c.want)
		}
	}
}

func TestRedactURLDropsThePassword(t *testing.T) {
	got := RedactURL("postgres://app:s3cret@db.example:5432/orderflow?sslmode=disable")
	if strings.Contains(got, "s3cret") || got != "db.example:5432/orderflow" {
		t.Errorf("RedactURL = %q", got)
	}
}

func TestStackDatabaseURL(t *testing.T) {
	cases := []struct {
		admin string
		own   bool
		m     stackmode.Mode
		want  string
	}{
		{OwnPostgresURL(8080), true, stackmode.Orchestration, "postgres://orderflow@127.0.0.1:8530/orderflow_events_orchestration?sslmode=disable"},
		{"postgres://app:pw@db:5432/shop?sslmode=require", false, stackmode.Sync, "postgres://app:pw@db:5432/shop_sync?sslmode=require"},
		{"postgres://app@db:5432", false, stackmode.Events, "postgres://app@db:5432/orderflow_events"},
	}
	for _, c := range cases {
		got, err := StackDatabaseURL(c.admin, c.m, c.own)
		if err != nil || got != c.want {
			t.Errorf("StackDatabaseURL(%s, %s) = %q, %v; want %q", c.admin, c.m, got, err, c.want)
		}
	}
}
