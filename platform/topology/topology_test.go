package topology_test

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/topology"
)

// asyncAPI is the part of docs/asyncapi.yaml the check reads.
type asyncAPI struct {
	Channels map[string]struct {
		Address string `yaml:"address"`
	} `yaml:"channels"`
	Operations map[string]struct {
		Action string `yaml:"action"`
		Tags   []struct {
			Name string `yaml:"name"`
		} `yaml:"tags"`
		Channel struct {
			Ref string `yaml:"$ref"`
		} `yaml:"channel"`
		Bindings struct {
			Kafka struct {
				GroupID struct {
					Const string `yaml:"const"`
				} `yaml:"groupId"`
			} `yaml:"kafka"`
		} `yaml:"bindings"`
	} `yaml:"operations"`
}

// TestAsyncAPIAgreesWithTheTable reads every operation of docs/asyncapi.yaml
// (its service tag, send or receive, its channel's address, its group) and
// requires, for each saga style, exactly the table's consumes, produces and
// group names; dead letters must go to the DLQ of a consumed topic. An
// operation belongs to the styles its tags name ("choreography",
// "orchestration"); one naming neither belongs to choreography.
func TestAsyncAPIAgreesWithTheTable(t *testing.T) {
	b, err := os.ReadFile("../../docs/asyncapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc asyncAPI
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("docs/asyncapi.yaml: %v", err)
	}
	for _, style := range topology.Styles {
		for _, check := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/fraud-check=%v", style, check), func(t *testing.T) {
				want, err := topology.System(style, check)
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range compareDocCheck(doc, style, check, want) {
					t.Error(e)
				}
			})
		}
	}
}

// TestAsyncAPICheckFails shows the check failing: the orchestration table
// against the document read as choreography disagrees.
func TestAsyncAPICheckFails(t *testing.T) {
	b, err := os.ReadFile("../../docs/asyncapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc asyncAPI
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	orch, _ := topology.ServicesFor(topology.Orchestration)
	if errs := compareDoc(doc, topology.Choreography, orch); len(errs) == 0 {
		t.Error("the choreography operations agree with the orchestration table: the check cannot fail")
	}
	off, _ := topology.System(topology.Choreography, false)
	if errs := compareDocCheck(doc, topology.Choreography, true, off); len(errs) == 0 {
		t.Error("the fraud check's operations agree with the table without it: the check cannot fail")
	}
}

// fraudCheckOf says whether an operation runs with the fraud check on
// (tag fraud-check), off (no-fraud-check), or both (neither).
func fraudCheckOf(tags []string, check bool) bool {
	switch {
	case slices.Contains(tags, "fraud-check"):
		return check
	case slices.Contains(tags, "no-fraud-check"):
		return !check
	}
	return true
}

// compareDoc compares the operations without the fraud check.
func compareDoc(doc asyncAPI, style topology.Style, table []topology.Service) []string {
	return compareDocCheck(doc, style, false, table)
}

// styleOf lists the styles an operation's tags name (choreography when none).
func stylesOf(tags []string) []topology.Style {
	var out []topology.Style
	for _, s := range topology.Styles {
		if slices.Contains(tags, string(s)) {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		out = []topology.Style{topology.Choreography}
	}
	return out
}

// compareDocCheck returns every disagreement between doc's operations of
// style with the fraud check on or off and table.
func compareDocCheck(doc asyncAPI, style topology.Style, check bool, table []topology.Service) []string {
	var errs []string
	type sets struct{ consumes, produces, dlq map[string]bool }
	got := map[string]*sets{}
	for name, op := range doc.Operations {
		if len(op.Tags) == 0 {
			errs = append(errs, fmt.Sprintf("operation %s has no service tag", name))
			continue
		}
		var tags []string
		for _, tag := range op.Tags {
			tags = append(tags, tag.Name)
		}
		if !slices.Contains(stylesOf(tags), style) || !fraudCheckOf(tags, check) {
			continue
		}
		svc := tags[0]
		if got[svc] == nil {
			got[svc] = &sets{map[string]bool{}, map[string]bool{}, map[string]bool{}}
		}
		ch, ok := doc.Channels[strings.TrimPrefix(op.Channel.Ref, "#/channels/")]
		if !ok || ch.Address == "" {
			errs = append(errs, fmt.Sprintf("operation %s: channel %q has no address", name, op.Channel.Ref))
			continue
		}
		switch {
		case op.Action == "receive":
			got[svc].consumes[ch.Address] = true
			if want := topology.Group("", svc, string(config.ModeEvents)); op.Bindings.Kafka.GroupID.Const != want {
				errs = append(errs, fmt.Sprintf("operation %s: group %q, the table's rule gives %q", name, op.Bindings.Kafka.GroupID.Const, want))
			}
		case op.Action == "send" && slices.Contains(tags, "dlq"):
			got[svc].dlq[ch.Address] = true
		case op.Action == "send":
			got[svc].produces[ch.Address] = true
		default:
			errs = append(errs, fmt.Sprintf("operation %s: action %q", name, op.Action))
		}
	}
	for _, s := range table {
		g := got[s.Name]
		if g == nil && len(s.Consumes)+len(s.Produces) == 0 {
			continue // in the stack, but not on the topics (fraud-svc with the check off)
		}
		if g == nil {
			errs = append(errs, fmt.Sprintf("docs/asyncapi.yaml has no operation of %s", s.Name))
			continue
		}
		var dlqs []string
		for _, c := range s.Consumes {
			dlqs = append(dlqs, c+".dlq")
		}
		for what, pair := range map[string][2][]string{
			"consumes":        {slices.Sorted(maps.Keys(g.consumes)), slices.Sorted(slices.Values(s.Consumes))},
			"produces":        {slices.Sorted(maps.Keys(g.produces)), slices.Sorted(slices.Values(s.Produces))},
			"dead-letters to": {slices.Sorted(maps.Keys(g.dlq)), slices.Sorted(slices.Values(dlqs))},
		} {
			if !slices.Equal(pair[0], pair[1]) {
				errs = append(errs, fmt.Sprintf("%s %s %v in docs/asyncapi.yaml, %v in the topology table", s.Name, what, pair[0], pair[1]))
			}
		}
		delete(got, s.Name)
	}
	for svc := range got {
		errs = append(errs, fmt.Sprintf("docs/asyncapi.yaml has operations of %s, which the topology table does not know", svc))
	}
	return errs
}

func TestTable(t *testing.T) {
	if got := topology.AllTopics(); !slices.Equal(got, []string{"orders.v1", "inventory.v1", "invoicing.v1"}) {
		t.Errorf("AllTopics = %v", got)
	}
	if got := topology.MustOf("order-svc").Topics(); !slices.Equal(got, []string{"orders.v1", "inventory.v1", "invoicing.v1"}) {
		t.Errorf("order-svc topics = %v", got)
	}
	if _, err := topology.Of("shipping-svc"); err == nil {
		t.Error("Of(shipping-svc): no error")
	}
	if g := topology.Group("p.", "order-svc", "events"); g != "p.order-svc.events" {
		t.Errorf("Group = %q", g)
	}
	if g := (config.Config{TopicPrefix: "p.", Service: "inventory-svc", Mode: config.ModeEvents}).ConsumerGroup(); g != topology.Group("p.", "inventory-svc", "events") {
		t.Errorf("config.ConsumerGroup = %q: it must follow topology.Group", g)
	}
}

// TestShape holds the table's own invariants: each service has a distinct
// name and a distinct port offset that stays inside a stack's block of 100
// ports (the events stack's base is the sync stack's + 100), Names follows
// Services, and nothing is consumed that no service produces (such a consumer
// would wait forever).
func TestShape(t *testing.T) {
	for _, style := range topology.Styles {
		t.Run(string(style), func(t *testing.T) {
			all, err := topology.ServicesFor(style)
			if err != nil {
				t.Fatal(err)
			}
			testShape(t, all)
		})
	}
	if _, err := topology.ServicesFor("saga"); err == nil {
		t.Error(`ServicesFor("saga"): no error`)
	}
}

func testShape(t *testing.T, services []topology.Service) {
	names := map[string]bool{}
	offsets := map[int]string{}
	produced := map[string]string{}
	for _, s := range services {
		if names[s.Name] {
			t.Errorf("service %s appears twice", s.Name)
		}
		names[s.Name] = true
		if s.PortOffset < 1 || s.PortOffset > 99 {
			t.Errorf("%s: port offset %d, want 1..99 (the base itself and the next stack's block are not a service's)", s.Name, s.PortOffset)
		}
		if other, ok := offsets[s.PortOffset]; ok {
			t.Errorf("%s and %s share port offset %d", other, s.Name, s.PortOffset)
		}
		offsets[s.PortOffset] = s.Name
		for _, topic := range s.Produces {
			produced[topic] = s.Name
		}
	}
	for _, s := range services {
		for _, topic := range s.Consumes {
			if _, ok := produced[topic]; !ok {
				t.Errorf("%s consumes %s, which no service produces", s.Name, topic)
			}
		}
	}
	want := make([]string, 0, len(services))
	for _, s := range services {
		want = append(want, s.Name)
	}
	if got := topology.Names(); !slices.Equal(got, want) {
		t.Errorf("Names() = %v, want Services' order %v", got, want)
	}
	if got := []string{topology.OrderSvc, topology.InventorySvc, topology.InvoicingSvc}; !slices.Equal(topology.Names(), got) {
		t.Errorf("Names() = %v, want the constants in call order %v", topology.Names(), got)
	}
	if p := topology.MustOf(topology.OrderSvc).Port(topology.DefaultPortBase); p != 8081 {
		t.Errorf("order-svc's sync port = %d, want 8081", p)
	}
}

// TestOrchestrationTable: the participants consume only their commands and
// reply on the one reply channel, which only the orchestrator consumes.
func TestOrchestrationTable(t *testing.T) {
	got, err := topology.AllTopicsFor(topology.Orchestration)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"orders.v1", "inventory.commands.v1", "invoicing.commands.v1", "order-saga.replies.v1", "inventory.v1"}
	if !slices.Equal(got, want) {
		t.Errorf("AllTopicsFor(orchestration) = %v, want %v", got, want)
	}
	for name, consumes := range map[string][]string{
		topology.OrderSvc:     {"order-saga.replies.v1"},
		topology.InventorySvc: {"inventory.commands.v1"},
		topology.InvoicingSvc: {"invoicing.commands.v1"},
	} {
		s, err := topology.OfStyle(topology.Orchestration, name)
		if err != nil || !slices.Equal(s.Consumes, consumes) || s.PortOffset != topology.MustOf(name).PortOffset {
			t.Errorf("%s in orchestration: %+v, %v; want consumes %v and choreography's port", name, s, err, consumes)
		}
	}
	if ch, _ := topology.AllTopicsFor(topology.Choreography); !slices.Equal(ch, topology.AllTopics()) {
		t.Errorf("AllTopicsFor(choreography) = %v, AllTopics = %v", ch, topology.AllTopics())
	}
}
