package bench

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// Setup is what `flowctl bench` sets besides the search bounds.
type Setup struct {
	// Modes are the stacks benched, in turn (stackmode.All by default).
	Modes []stackmode.Mode
	// DrainOrders pile up behind a paused consumer (events mode).
	DrainOrders int
	// Out is where the report goes: <Out>/<time>/, relative to the
	// repository root unless absolute.
	Out string
	// Up brings the stacks up (its Progress also gets the bench's lines).
	Up stack.UpOptions
	// Replicas are --replicas (stack.ParseReplicas): service → replicas in
	// every stack benched (absent = 1); Up gets them.
	Replicas map[string]int
}

// Check rejects a setup that cannot run.
func (s Setup) Check() error {
	if s.DrainOrders < 1 || s.DrainOrders > 100000 {
		return fmt.Errorf("--drain-orders %d: use 1 to 100000", s.DrainOrders)
	}
	return nil
}

// OnStacks brings set's stacks up where s says, finds each mode's ceiling
// and the two baselines' (a bare Kafka pipeline on the same broker, a bare
// HTTP chain) and writes the report; it returns the result and the files
// written, relative to the repository root.
func OnStacks(ctx context.Context, s *stack.Stacks, cfg Config, set Setup) (Result, []string, error) {
	if err := cfg.Check(); err != nil {
		return Result{}, nil, err
	}
	if err := set.Check(); err != nil {
		return Result{}, nil, err
	}
	l, err := s.Layout()
	if err != nil {
		return Result{}, nil, err
	}
	set.Up.Replicas = set.Replicas
	targets, runtime, remote, err := modeTargets(ctx, s, set.Modes, set.Up)
	if err != nil {
		return Result{}, nil, err
	}
	say := func(format string, args ...any) { fmt.Fprintf(set.Up.Progress, format+"\n", args...) }
	res, err := Run(ctx, cfg, targets, Options{Runtime: runtime, Remote: remote, DrainOrders: set.DrainOrders, Say: say})
	if err != nil {
		return res, nil, err
	}
	out := set.Out
	if !filepath.IsAbs(out) {
		out = filepath.Join(l.Root, out)
	}
	files, err := WriteReport(filepath.Join(out, res.Started.Local().Format("20060102-150405")), res)
	if err != nil {
		return res, nil, fmt.Errorf("write the bench report: %w", err)
	}
	for i, f := range files {
		files[i] = l.Rel(f)
	}
	return res, files, nil
}

// modeTargets brings the modes' stacks up and makes them bench targets,
// then the two baselines; runtime says where the stacks run, remote that
// it is off this machine.
func modeTargets(ctx context.Context, s *stack.Stacks, modes []stackmode.Mode, up stack.UpOptions) (_ []Target, runtime string, remote bool, _ error) {
	tok, err := s.Token()
	if err != nil {
		return nil, "", false, err
	}
	var targets []Target
	var brokers []string
	var rt stack.Runtime
	if len(modes) == 0 {
		modes = stackmode.All
	}
	for _, m := range modes {
		var st stack.Stack
		if st, rt, err = s.Up(ctx, m, up); err != nil {
			return nil, "", false, err
		}
		if len(st.Brokers) > 0 {
			brokers = st.Brokers
		}
		t := ModeTarget(StackInfo{Mode: m, URLs: st.URLs, Brokers: st.Brokers, AdminToken: tok,
			TopicPrefix: s.TopicPrefix, Runtime: rt})
		if t.Stack.Replicas, err = replicasOf(ctx, rt, m, up.Replicas); err != nil {
			return nil, "", false, err
		}
		targets = append(targets, t)
	}
	runtime = rt.Runtime()
	// A broker named by KAFKA_BROKERS is part of what was measured.
	if v := s.ExternalBrokers; v != "" && slices.Equal(brokers, s.Brokers) {
		runtime += ", Kafka at " + v
	}
	// Without an events stack there is no broker for the Kafka baseline.
	if len(brokers) > 0 {
		targets = append(targets, KafkaTarget(brokers, s.ReplicationFactor))
	}
	return append(targets, EchoTarget()), runtime, !rt.Local(), nil
}
