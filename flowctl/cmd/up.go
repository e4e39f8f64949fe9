package cmd

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/orderflow/platform/config"

	"github.com/orderflow/flowctl/internal/report"
	"github.com/orderflow/flowctl/internal/stack"
)

// upFlags are shared by up and demo.
type upFlags struct {
	mode     string
	noJaeger bool
	build    bool
}

func (f *upFlags) register(c *cobra.Command) {
	c.Flags().StringVar(&f.mode, "mode", "", "which stack: sync (REST calls) or events (Kafka) (required)")
	c.Flags().BoolVar(&f.noJaeger, "no-jaeger", false, "native runtime: do not start Jaeger; the services then export no traces")
	c.Flags().BoolVar(&f.build, "build", false, "docker runtime: rebuild the service images (they are built only when missing otherwise)")
}

func newUpCmd(g *globals) *cobra.Command {
	var f upFlags
	c := &cobra.Command{
		Use:   "up --mode sync|events",
		Short: "Build the services and start one stack (plus the broker and Jaeger it needs)",
		Long: `up builds the three services into .run/bin, starts the broker (events mode) and
Jaeger unless they already run, then (re)starts the stack's services and waits
until each answers /readyz. Both stacks can run at once; they share the broker
and Jaeger.

  sync stack:   order-svc 8081, inventory-svc 8082, invoicing-svc 8083
  events stack: order-svc 8181, inventory-svc 8182, invoicing-svc 8183

KAFKA_BROKERS, if set, names the broker to use instead of the embedded one.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			mode, err := stack.ParseMode(f.mode)
			if err != nil {
				return err
			}
			w := g.env.Stdout
			st, err := bringUp(c.Context(), g, mode, f, w)
			if err != nil {
				return err
			}
			fmt.Fprintf(w, "%s stack is up: order-svc %s · inventory-svc %s · invoicing-svc %s\n",
				mode, st.URLs["order-svc"], st.URLs["inventory-svc"], st.URLs["invoicing-svc"])
			if st.Jaeger {
				fmt.Fprintf(w, "traces: %s\n", stack.JaegerUI)
			}
			fmt.Fprintf(w, "next: `flowctl demo --mode %s` places orders; `flowctl down` stops everything\n", mode)
			return nil
		},
	}
	f.register(c)
	return c
}

// launched is a stack that bringUp brought up, with what it took to do so:
// the scenarios stop and start its parts the same way.
type launched struct {
	stack.Stack
	// Compose is set for the Docker runtime, Options for the native one.
	Compose *stack.Compose
	Options stack.Options
}

// bringUp brings the stack up in the chosen runtime, printing each step on w.
func bringUp(ctx context.Context, g *globals, mode config.Mode, f upFlags, w io.Writer) (launched, error) {
	l, err := g.layout()
	if err != nil {
		return launched{}, err
	}
	rt, _ := stack.ParseRuntime(g.runtime)
	compose, whyNative, err := stack.ChooseCompose(ctx, rt, l.Root, g.env.Getenv, stack.DockerCLI{})
	switch {
	case err != nil:
		return launched{}, fmt.Errorf("--runtime docker: %w; or use --runtime native", err)
	case whyNative != "":
		fmt.Fprintf(w, "using the native runtime: %s\n", whyNative)
	case compose != nil:
		tok, err := stack.AdminToken(l, g.env.Getenv)
		if err != nil {
			return launched{}, err
		}
		compose.Env = append(compose.Env, "ADMIN_TOKEN="+tok)
		fmt.Fprintf(w, "bringing up the %s stack with Docker (%s, project %s); the first start builds images and shows their progress\n", mode, strings.Join(compose.Cmd, " "), stack.ComposeProject)
		st, err := stack.DockerUp(ctx, compose, mode, f.build, w, func(s stack.Step) { report.Step(w, s) })
		if err != nil {
			return launched{Stack: st}, explainStartError(g.env.Stderr, ctxErr(ctx, err))
		}
		return launched{Stack: st, Compose: compose}, nil
	}
	fmt.Fprintf(w, "bringing up the %s stack natively (run dir %s)\n", mode, l.Rel(l.RunDir))
	o := stack.Options{
		Layout:     l,
		Mode:       mode,
		PortBase:   g.portBase,
		BrokerPort: g.brokerPort,
		NoJaeger:   f.noJaeger,
		Getenv:     g.env.Getenv,
		Self:       g.env.Self,
		Progress:   w,
		TTY:        isTerminal(w),
	}
	st, err := stack.Up(ctx, o, func(s stack.Step) { report.Step(w, s) })
	if err != nil {
		return launched{Stack: st}, explainStartError(g.env.Stderr, ctxErr(ctx, err))
	}
	return launched{Stack: st, Options: o}, nil
}
