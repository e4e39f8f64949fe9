package reset

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/orderflow/flowctl/internal/kafkalog"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// fakeRuntime records what reset did, in order.
type fakeRuntime struct {
	stack.Unimplemented
	calls []string
	// offline counts wipes of a broker that did not answer; notOurs refuses them.
	offline int
	notOurs bool
}

func (f *fakeRuntime) Runtime() string { return "fake" }
func (f *fakeRuntime) StopService(_ context.Context, m stackmode.Mode, svc string) error {
	f.calls = append(f.calls, "stop "+svc+"."+string(m))
	return nil
}
func (f *fakeRuntime) WipeService(_ context.Context, m stackmode.Mode, svc string) error {
	f.calls = append(f.calls, "wipe "+svc+"."+string(m))
	return nil
}
func (f *fakeRuntime) StartFresh(_ context.Context, m stackmode.Mode, svc string) error {
	f.calls = append(f.calls, "start "+svc+"."+string(m))
	return nil
}

func (f *fakeRuntime) WipeStoppedBroker(context.Context) (bool, error) {
	if f.notOurs {
		return false, stack.ErrNotOurs
	}
	f.offline++
	return true, nil
}

func TestRunStopsWipesAndRestartsWhatRan(t *testing.T) {
	rt := &fakeRuntime{}
	var said []string
	err := Run(context.Background(), Config{
		Modes:    []stackmode.Mode{stackmode.Sync, stackmode.Events},
		Services: []string{"order-svc", "inventory-svc", "invoicing-svc"},
		Runtime:  rt,
		// invoicing-svc of the events stack was not running.
		Running: func(_ context.Context, m stackmode.Mode, svc string) bool {
			return !(m == stackmode.Events && svc == "invoicing-svc")
		},
		Brokers: []string{"127.0.0.1:1"}, // nothing answers: the offline wipe runs
		Say:     func(f string, a ...any) { said = append(said, f) },
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"stop order-svc.sync", "stop inventory-svc.sync", "stop invoicing-svc.sync",
		"wipe order-svc.sync", "wipe inventory-svc.sync", "wipe invoicing-svc.sync",
		"start invoicing-svc.sync", "start inventory-svc.sync", "start order-svc.sync",
		"stop order-svc.events", "stop inventory-svc.events",
		"wipe order-svc.events", "wipe inventory-svc.events", "wipe invoicing-svc.events",
		"start inventory-svc.events", "start order-svc.events",
	}
	if !slices.Equal(rt.calls, want) {
		t.Errorf("calls:\n%s\nwant:\n%s", strings.Join(rt.calls, "\n"), strings.Join(want, "\n"))
	}
	if offline := rt.offline; offline != 1 {
		t.Errorf("offline broker wiped %d times, want once (events only)", offline)
	}
}

func TestRunRefusesToLeaveTheLogOfABrokerItCannotReach(t *testing.T) {
	err := Run(context.Background(), Config{
		Modes: []stackmode.Mode{stackmode.Events}, Services: []string{"order-svc"}, Runtime: &fakeRuntime{notOurs: true},
		Running: func(context.Context, stackmode.Mode, string) bool { return false },
		Brokers: []string{"127.0.0.1:1"},
	})
	if err == nil || !strings.Contains(err.Error(), "flowctl start kafka") {
		t.Fatalf("Run with an unreachable external broker = %v, want an error saying to start it", err)
	}
}

func TestTopicsAndGroupsFollowThePrefix(t *testing.T) {
	if got := Topics(kafkalog.Log{Prefix: "x."}); !slices.Contains(got, "x.orders.v1") || !slices.Contains(got, "x.invoicing.v1.dlq") || len(got) != 6 {
		t.Errorf("Topics = %v", got)
	}
	if got := Groups(kafkalog.Log{Prefix: "x."}, []string{"order-svc"}); !slices.Equal(got, []string{"x.order-svc.events"}) {
		t.Errorf("Groups = %v", got)
	}
	// The orchestrated stack's own: its prefix after the user's, its command
	// and reply topics, the groups named by the services' MODE.
	orch := kafkalog.LogOf(stackmode.Orchestration, "x.")
	if got := Topics(orch); !slices.Contains(got, "x.orch.order-saga.replies.v1.dlq") || !slices.Contains(got, "x.orch.inventory.commands.v1") || slices.Contains(got, "x.orders.v1") {
		t.Errorf("Topics(orchestration) = %v", got)
	}
	if got := Groups(orch, []string{"order-svc"}); !slices.Equal(got, []string{"x.orch.order-svc.events"}) {
		t.Errorf("Groups(orchestration) = %v", got)
	}
}

func TestModesAndConfirm(t *testing.T) {
	if m, err := Modes("both"); err != nil || ModeList(m) != "sync+events" {
		t.Errorf("both = %v, %v", m, err)
	}
	if m, err := Modes("all"); err != nil || ModeList(m) != "sync+events+events-orchestration" {
		t.Errorf("all = %v, %v", m, err)
	}
	if _, err := Modes("every"); err == nil || !strings.Contains(err.Error(), `--mode "every" is not a stack`) {
		t.Errorf("every = %v", err)
	}
	var out strings.Builder
	if err := Confirm(strings.NewReader("YES\n"), &out, []stackmode.Mode{stackmode.Events}); err != nil {
		t.Errorf("yes: %v", err)
	}
	if !strings.Contains(out.String(), "of the events stack(s); type yes to go on") {
		t.Errorf("question %q", out.String())
	}
	if err := Confirm(strings.NewReader("no\n"), &out, nil); !errors.Is(err, ErrNotConfirmed) {
		t.Errorf("no: %v", err)
	}
}
