package scenario

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/audit"
	"github.com/orderflow/flowctl/internal/kafkalog"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stack/stacktest"
	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/flowctl/internal/usage"
)

// countingBar counts what a run shows on its bar.
type countingBar struct{ updates, dones int }

func (b *countingBar) Update(string, int, int) { b.updates++ }
func (b *countingBar) Done()                   { b.dones++ }

func TestSetupCheck(t *testing.T) {
	ok := Setup{Size: DefaultSize, Propagations: []config.Propagation{config.PropagationChild, config.PropagationOff}}
	if err := ok.Check(); err != nil {
		t.Fatalf("the defaults: %v", err)
	}
	tests := []struct {
		change func(*Setup)
		want   string
	}{
		{func(s *Setup) { s.Size.Orders = 0 }, "--orders 0: use 1 to 10000"},
		{func(s *Setup) { s.Size.Orders = 10001 }, "--orders 10001: use 1 to 10000"},
		{func(s *Setup) { s.Size.Rate = 0 }, "--rate 0: use more than 0 and at most 1000 orders per second"},
		{func(s *Setup) { s.Size.DownFor = 100 * time.Millisecond }, "--down-for 100ms: use 500ms to 10m"},
		{func(s *Setup) { s.Size.Latency = 2 * time.Minute }, "--latency 2m0s: use 0 to 1m"},
		{func(s *Setup) { s.Size.Settle = 0 }, "--settle 0s: use at least 1s"},
		{func(s *Setup) { s.Propagations = append(s.Propagations, "sideways") }, `--propagation "sideways": use child, link or off (comma-separated)`},
	}
	for _, tt := range tests {
		s := ok
		s.Propagations = append([]config.Propagation(nil), ok.Propagations...)
		tt.change(&s)
		if err := s.Check(); err == nil || err.Error() != tt.want {
			t.Errorf("err = %v, want %q", err, tt.want)
		}
	}
}

// twoStacks is a fake runtime holding a sync stack and an events stack
// with a broker and Jaeger.
func twoStacks() *stacktest.Runtime {
	urls := func(port string) map[string]string {
		return map[string]string{topology.OrderSvc: "http://127.0.0.1:" + port}
	}
	return &stacktest.Runtime{Stacks: map[stackmode.Mode]stack.Stack{
		stackmode.Sync:   {Mode: stackmode.Sync, URLs: urls("1")},
		stackmode.Events: {Mode: stackmode.Events, URLs: urls("2"), Brokers: []string{"127.0.0.1:9"}, Jaeger: true},
	}}
}

func TestEnvOnStacksWiresWhatScenariosUse(t *testing.T) {
	rt := twoStacks()
	s := stacktest.New(t, rt, map[string]string{"ADMIN_TOKEN": "tok", "KAFKA_TOPIC_PREFIX": "t1."})
	var progress bytes.Buffer
	bar := &countingBar{}
	set := Setup{Size: DefaultSize, Propagations: []config.Propagation{config.PropagationLink},
		Up: stack.UpOptions{Progress: &progress}, Bar: bar}
	env, err := EnvOnStacks(context.Background(), s, []stackmode.Mode{stackmode.Sync, stackmode.Events}, set)
	if err != nil {
		t.Fatal(err)
	}
	if len(env.Targets) != 2 || env.Targets[stackmode.Events].URLs[topology.OrderSvc] != "http://127.0.0.1:2" {
		t.Errorf("targets = %+v", env.Targets)
	}
	if len(env.Brokers) != 1 || env.Jaeger == nil || env.TopicPrefix != "t1." || env.Control.Runtime() != "fake" {
		t.Errorf("brokers %v, jaeger %v, prefix %q, control %v", env.Brokers, env.Jaeger, env.TopicPrefix, env.Control)
	}
	if env.Ledger == nil {
		t.Error("no ledger check at the end of the scenarios")
	}
	if env.Size != DefaultSize || len(env.Propagations) != 1 || env.Propagations[0] != config.PropagationLink {
		t.Errorf("size %+v, propagations %v", env.Size, env.Propagations)
	}
	env.Step("step %d", 1)
	env.Advance("x", 1, 2)
	if progress.String() != "step 1\n" || bar.updates != 1 {
		t.Errorf("steps say %q; bar updated %d times", progress.String(), bar.updates)
	}
}

func TestEnvOnStacksExplainsAFailedStart(t *testing.T) {
	rt := &stacktest.Runtime{UpErr: &stack.StartError{What: "order-svc (sync)", Log: "o.log", Tail: []string{"boom"}, Err: stack.ErrExited}}
	var stderr bytes.Buffer
	set := Setup{Size: DefaultSize, Up: stack.UpOptions{Progress: &bytes.Buffer{}}, Stderr: &stderr, Bar: &countingBar{}}
	_, err := EnvOnStacks(context.Background(), stacktest.New(t, rt, map[string]string{"ADMIN_TOKEN": "tok"}), []stackmode.Mode{stackmode.Sync}, set)
	if err == nil || !strings.Contains(err.Error(), "order-svc (sync) exited before it was ready") || !strings.Contains(stderr.String(), "boom") {
		t.Errorf("err = %v; stderr %q", err, stderr.String())
	}
}

// probe is a scenario that records one metric per mode, or fails.
func probe(name string, fail error) Scenario {
	return kit.Define(kit.Spec[int]{
		About: kit.About{Name: name},
		Run: func(_ context.Context, _ *Env, t Target) (int, error) {
			return len(t.Mode), fail
		},
		Judge: func(m stackmode.Mode, n int) Outcome { return Outcome{Verdict: string(m)} },
	})
}

// agreeing is a ledger check that finds nothing wrong, counting the stacks
// it checked.
func agreeing(checked *[]stackmode.Mode) kit.Ledger {
	return func(_ context.Context, t Target) (audit.Report, error) {
		*checked = append(*checked, t.Mode)
		return audit.Report{Mode: string(t.Mode), Rounds: 1}, nil
	}
}

func TestRunOnStacksRunsEachScenarioOnEveryMode(t *testing.T) {
	s := stacktest.New(t, twoStacks(), map[string]string{"ADMIN_TOKEN": "tok"})
	bar := &countingBar{}
	var checked []stackmode.Mode
	set := Setup{Size: DefaultSize, Up: stack.UpOptions{Progress: &bytes.Buffer{}}, Bar: bar, Ledger: agreeing(&checked)}
	var done []string
	modes := []stackmode.Mode{stackmode.Sync, stackmode.Events}
	rep, err := RunOnStacks(context.Background(), s, []Scenario{probe("a", nil), probe("b", nil)}, modes, set, func(r Run) {
		done = append(done, r.Scenario)
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Runtime != "fake" || len(rep.Runs) != 2 || len(rep.Runs[1].Outcomes) != 2 || rep.Runs[1].Outcomes[1].Verdict != "events" || rep.Started.IsZero() {
		t.Errorf("report = %+v", rep)
	}
	if strings.Join(done, ",") != "a,b" || bar.dones != 2 {
		t.Errorf("done after %v; bar ended %d times", done, bar.dones)
	}
	if len(checked) != 4 || rep.Runs[0].Outcomes[0].Value(kit.LedgerBreaches.Key) != 0 || len(rep.Runs[0].Outcomes[0].Metrics) != 1 {
		t.Errorf("the ledger checked %v; outcome %+v", checked, rep.Runs[0].Outcomes[0])
	}
}

func TestRunOnStacksStopsAtAFailure(t *testing.T) {
	s := stacktest.New(t, twoStacks(), map[string]string{"ADMIN_TOKEN": "tok"})
	bar := &countingBar{}
	set := Setup{Size: DefaultSize, Up: stack.UpOptions{Progress: &bytes.Buffer{}}, Bar: bar}
	boom := errors.New("boom")
	called := 0
	rep, err := RunOnStacks(context.Background(), s, []Scenario{probe("a", boom), probe("b", nil)}, []stackmode.Mode{stackmode.Sync}, set, func(Run) { called++ })
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "scenario a (sync)") || len(rep.Runs) != 0 || called != 0 || bar.dones != 1 {
		t.Errorf("err = %v, runs %d, done called %d, bar ended %d", err, len(rep.Runs), called, bar.dones)
	}
}

// A run says how big each brokered stack's log was when it began: its
// events (the stack's topics) and, where the runtime measures it, the
// broker's bytes; log_before stays the events stack's.
func TestRunOnStacksRecordsTheLogBefore(t *testing.T) {
	orchCommands := stackmode.Orchestration.TopicPrefix("") + events.TopicInventoryCommands
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(3, events.TopicOrders, events.TopicInventory, orchCommands))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for i, topic := range []string{events.TopicOrders, events.TopicOrders, events.TopicOrders, events.TopicOrders, orchCommands, orchCommands} {
		if _, _, err := kafkalog.Publish(context.Background(), c.ListenAddrs(), topic, []byte(strconv.Itoa(i)), []byte("{}"), nil); err != nil {
			t.Fatal(err)
		}
	}
	rt := twoStacks()
	ev := rt.Stacks[stackmode.Events]
	ev.Brokers = c.ListenAddrs()
	rt.Stacks[stackmode.Events] = ev
	rt.Stacks[stackmode.Orchestration] = stack.Stack{Mode: stackmode.Orchestration, URLs: ev.URLs, Brokers: c.ListenAddrs()}
	broker := []usage.Component{{Name: "broker", Kind: usage.KindBroker, Log: usage.LogDir{Path: "/kafka", Written: 123456}}}
	rt.Usages = map[stackmode.Mode][]usage.Component{stackmode.Events: broker, stackmode.Orchestration: broker}
	var progress bytes.Buffer
	var checked []stackmode.Mode
	set := Setup{Size: DefaultSize, Up: stack.UpOptions{Progress: &progress}, Bar: &countingBar{}, Ledger: agreeing(&checked)}
	rep, err := RunOnStacks(context.Background(), stacktest.New(t, rt, map[string]string{"ADMIN_TOKEN": "tok"}),
		[]Scenario{probe("a", nil)}, stackmode.All, set, func(Run) {})
	if err != nil {
		t.Fatal(err)
	}
	want := kit.LogSize{Events: 4, Topics: 3, Bytes: 123456, BytesMeasured: true}
	if rep.LogBefore == nil || *rep.LogBefore != want || rep.LogsBefore["events"] != want {
		t.Errorf("log before = %+v (by stack %+v), want %+v", rep.LogBefore, rep.LogsBefore, want)
	}
	wantOrch := kit.LogSize{Events: 2, Topics: 5, Bytes: 123456, BytesMeasured: true}
	if got, ok := rep.LogsBefore["events-orchestration"]; !ok || got != wantOrch || len(rep.LogsBefore) != 2 {
		t.Errorf("logs before = %+v, want events-orchestration's %+v and no sync", rep.LogsBefore, wantOrch)
	}
	for _, line := range []string{
		"the events log holds 4 events in its 3 topics, 123456 bytes written in the broker's log dir before this run",
		"the events-orchestration log holds 2 events in its 5 topics, 123456 bytes written in the broker's log dir before this run",
	} {
		if !strings.Contains(progress.String(), line) {
			t.Errorf("progress lacks %q:\n%s", line, progress.String())
		}
	}
}

// A recording from before the third stack (log_before alone) still reads,
// and says its topics as it did.
func TestAnOldRecordingStillReads(t *testing.T) {
	var rep Report
	old := `{"runtime":"native","log_before":{"events":57024,"written_bytes":92274688,"bytes_measured":true},"runs":[]}`
	if err := json.Unmarshal([]byte(old), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.LogBefore == nil || rep.LogsBefore != nil {
		t.Fatalf("log before %+v, by stack %+v", rep.LogBefore, rep.LogsBefore)
	}
	if got := rep.LogBefore.String(); got != "57024 events in the three topics, 92274688 bytes written in the broker's log dir" {
		t.Errorf("String() = %q", got)
	}
}
