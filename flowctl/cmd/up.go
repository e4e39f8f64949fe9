package cmd

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/explain"
	"github.com/orderflow/flowctl/internal/report"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// upFlags are shared by up and demo.
type upFlags struct {
	mode     string
	saga     string
	noJaeger bool
	build    bool
	// fraudCheck is FRAUD_CHECK for the stack: on deploys fraud-svc.
	fraudCheck string
	// replicas is --replicas (service=n,…); store is --store.
	replicas, store string
}

func (f *upFlags) register(c *cobra.Command) {
	c.Flags().StringVar(&f.mode, "mode", "", "which stack: sync (REST calls), events (Kafka, choreography; alias events-choreography) or events-orchestration (alias orchestration); up also takes both (sync and events) and all (the three) (required unless --saga)")
	c.Flags().StringVar(&f.saga, "saga", "", "the events stack by its saga style: choreography (= --mode events) or orchestration (= --mode events-orchestration)")
	c.Flags().BoolVar(&f.noJaeger, "no-jaeger", false, "native runtime: do not start Jaeger; the services then export no traces")
	c.Flags().StringVar(&f.fraudCheck, "fraud-check", "off", "on adds the fraud check to the stack: fraud-svc runs (port base+4) and every service gets FRAUD_CHECK=on (docs/architecture.md §11)")
	c.Flags().StringVar(&f.replicas, "replicas", "", "replicas per service, e.g. inventory=3,order-svc=2 (natively: behind a balancer on the service's port; more than 1 needs PostgreSQL, which --replicas then starts)")
	c.Flags().StringVar(&f.store, "store", "", "where the services keep their state: sqlite (a file each, the default) or postgres (DATABASE_URL's server, else flowctl's own PostgreSQL in the run dir; a database per stack)")
	c.Flags().BoolVar(&f.build, "build", false, "docker runtime: rebuild the service images (they are built only when missing otherwise)")
}

const upLong = `up builds the three services into .run/bin, starts the broker (events mode) and
Jaeger unless they already run, then (re)starts the stack's services and waits
until each answers /readyz. The three stacks can run at once; they share the
broker and Jaeger. The orchestrated stack's services run MODE=events
SAGA=orchestration with "orch." after KAFKA_TOPIC_PREFIX, so its topics and
consumer groups are its own. --mode all brings the three up in turn (both:
sync and events), on either runtime.

  sync stack:                 order-svc 8081, inventory-svc 8082, invoicing-svc 8083
  events stack:               order-svc 8181, inventory-svc 8182, invoicing-svc 8183
  events-orchestration stack: order-svc 8281, inventory-svc 8282, invoicing-svc 8283

--fraud-check on adds the fraud check: fraud-svc joins the stack (8084, 8184,
8284) and every service runs FRAUD_CHECK=on; off (the default) runs the three.

KAFKA_BROKERS, if set, names the broker to use instead of the embedded one.`

func newUpCmd(g *globals) *cobra.Command {
	var f upFlags
	c := &cobra.Command{
		Use:   "up --mode sync|events|events-orchestration|both|all",
		Short: "Build the services and start a stack, or with --mode all the three side by side (plus the broker and Jaeger they need)",
		Long:  upLong,
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			modes, err := upModes(f.mode, f.saga)
			if err != nil {
				return err
			}
			for _, mode := range modes {
				if err := upOne(c.Context(), g, mode, f); err != nil {
					return err
				}
			}
			return nil
		},
	}
	f.register(c)
	return c
}

// upModes are the stacks --mode and --saga name: one, or with --mode both
// or all (and no --saga) several, brought up in turn.
func upModes(mode, saga string) ([]stackmode.Mode, error) {
	if saga == "" && (mode == "both" || mode == "all") {
		return stackmode.ParseList(mode)
	}
	m, err := stackmode.ParseWithSaga(mode, saga)
	if err != nil {
		return nil, err
	}
	return []stackmode.Mode{m}, nil
}

// upOne brings mode's stack up and says where it is and what next.
func upOne(ctx context.Context, g *globals, mode stackmode.Mode, f upFlags) error {
	w := g.env.Stdout
	st, err := bringUp(ctx, g, mode, f, w)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%s stack is up: order-svc %s · inventory-svc %s · invoicing-svc %s\n",
		mode, st.URLs[topology.OrderSvc], st.URLs[topology.InventorySvc], st.URLs[topology.InvoicingSvc])
	fc := g.stacks.Command()
	switch {
	case st.JaegerUI:
		fmt.Fprintf(w, "traces: %s\n", g.stacks.Jaeger)
	case st.Jaeger: // natively Jaeger's UI is a placeholder page
		fmt.Fprintf(w, "traces: `%s trace <order id> --mode %s`, or click an order in `%s dashboard`\n", fc, mode, fc)
	}
	fmt.Fprintf(w, "next: `%s demo --mode %s` places orders; `%s down` stops everything\n", fc, mode, fc)
	return nil
}

// bringUp brings mode's stack up (stack.Stacks.Up), printing each step on
// w and, when a process did not start, the end of its log.
func bringUp(ctx context.Context, g *globals, mode stackmode.Mode, f upFlags, w io.Writer) (stack.Stack, error) {
	if f.fraudCheck != "on" && f.fraudCheck != "off" {
		return stack.Stack{}, fmt.Errorf("--fraud-check %q: use on or off", f.fraudCheck)
	}
	if err := stack.CheckStore(f.store); err != nil {
		return stack.Stack{}, err
	}
	o := f.options(w)
	var err error
	if o.Replicas, err = stack.ParseReplicas(f.replicas, stack.AllServices()); err != nil {
		return stack.Stack{}, err
	}
	o.Store = f.store
	st, _, err := explain.Up(ctx, g.stacks, mode, o, g.env.Stderr)
	return st, err
}

// options are the flags as the runtime takes them, printing steps on w.
func (f upFlags) options(w io.Writer) stack.UpOptions {
	return stack.UpOptions{NoJaeger: f.noJaeger, Build: f.build, FraudCheck: f.fraudCheck == "on", Progress: w, TTY: isTerminal(w),
		Step: func(s stack.Step) { report.Step(w, s) }}
}
