// Package cmd holds flowctl's cobra commands. Everything a command needs from
// the process (environment, output, its own binary) comes in through Env, so
// tests run the whole CLI in-process.
package cmd

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stack/docker"
	"github.com/orderflow/flowctl/internal/stack/kube"
	"github.com/orderflow/flowctl/internal/stack/native"
	"github.com/orderflow/flowctl/internal/termsafe"
)

// Env is what the commands get from the process.
type Env struct {
	Getenv func(string) string
	Stdout io.Writer
	Stderr io.Writer
	// Dir is where the repository root is searched from (the working dir).
	Dir string
	// Self is the flowctl binary, started again as `flowctl broker`.
	Self string
	// Stdin answers questions (reset's confirmation); nil reads nothing.
	Stdin io.Reader
}

// globals are the flags every command shares and what the root command
// builds from them before any command runs: where the stacks are.
type globals struct {
	env    Env
	flags  stack.Flags
	stacks *stack.Stacks
}

func (g *globals) layout() (stack.Layout, error) { return g.stacks.Layout() }

// runtimes are the runtimes flowctl knows, in the order --runtime auto tries
// them (Kubernetes only when asked for by name); the last, native, needs
// nothing and is the fallback. A new runtime is its package and one line
// here.
func runtimes() []stack.Provider {
	return []stack.Provider{
		docker.Provider{},
		kube.Provider{},
		native.Provider{},
	}
}

const rootLong = `flowctl runs the orderflow workshop demo: it brings up a stack, places orders and
shows what happened to them. With a Docker engine it uses docker-compose.yml
(real Apache Kafka, Jaeger with its UI, the service images); without one, or with
--runtime native, it builds the three services and starts them as processes with
an embedded Kafka-protocol broker and Jaeger built from source.

Ports (all 127.0.0.1): sync stack 8081/8082/8083, events stack 8181/8182/8183
(order/inventory/invoicing), Kafka 9092, Jaeger 16686 (its UI with Docker; natively
only its API: see traces with flowctl trace or the dashboard), OTLP 4318.
Files: .run/ under the repository root; the Jaeger binary is cached in
$XDG_CACHE_HOME/orderflow (default ~/.cache/orderflow).`

// New returns the root command.
func New(env Env) *cobra.Command {
	g := &globals{env: env, flags: stack.Flags{Dir: env.Dir, Self: env.Self}}
	root := &cobra.Command{
		Use:           "flowctl",
		Short:         "Run the orderflow demo: sync REST vs. event-driven Kafka, side by side",
		Long:          rootLong,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(env.Stdout)
	if env.Stdin == nil {
		env.Stdin = strings.NewReader("")
	}
	root.SetIn(env.Stdin)
	root.SetErr(env.Stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fmt.Errorf("%w (see `%s --help`)", err, c.CommandPath())
	})

	registerGlobals(root, &g.flags, stack.FlagDefaults(env.Getenv))
	root.PersistentPreRunE = func(c *cobra.Command, _ []string) error {
		s, err := stack.New(g.flags, env.Getenv, runtimes())
		g.stacks = s
		return err
	}

	root.AddCommand(commands(g)...)
	return root
}

// commands are flowctl's commands, in the order help lists them.
func commands(g *globals) []*cobra.Command {
	return []*cobra.Command{
		newBrokerCmd(g),
		newUpCmd(g),
		newDownCmd(g),
		newDemoCmd(g),
		newOrderCmd(g),
		newEnvCmd(g),
		newStatusCmd(g),
		newLogsCmd(g),
		newFaultCmd(g),
		newDLQCmd(g),
		newTraceCmd(g),
		newScenarioCmd(g),
		newLoadCmd(g),
		newCompareCmd(g),
		newWalkthroughCmd(g),
		newStopCmd(g),
		newStartCmd(g),
		newScaleCmd(g),
		newLBCmd(g),
		newLagCmd(g),
		newAuditCmd(g),
		newResetCmd(g),
		newBenchCmd(g),
		newDashboardCmd(g),
	}
}

// registerGlobals adds the flags every command shares.
func registerGlobals(root *cobra.Command, f *stack.Flags, d stack.Defaults) {
	pf := root.PersistentFlags()
	pf.StringVar(&f.RunDir, "run-dir", "", "directory for binaries, pid files, logs and databases (default: .run under the repository root)")
	pf.IntVar(&f.PortBase, "port-base", d.PortBase,
		"ports: sync stack base+1…3, events stack base+101…103 (env FLOWCTL_PORT_BASE)")
	pf.IntVar(&f.BrokerPort, "broker-port", d.BrokerPort,
		"port of the embedded Kafka broker (env FLOWCTL_BROKER_PORT)")
	pf.StringVar(&f.Runtime, "runtime", d.Runtime,
		"docker (compose: real Kafka, Jaeger UI), native (processes, embedded broker), kubernetes (stacks deployed from deploy/k8s; KUBECONFIG) or auto: docker when an engine answers, else native (env RUNTIME)")
}

// printJSON writes v indented, for --json.
func printJSON(w io.Writer, v any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	// --json is read on terminals too: remote strings stay escaped.
	_, err := w.Write(termsafe.JSON(b.Bytes()))
	return err
}

// isTerminal says whether w is a terminal (for live progress lines).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// progress is where a command's progress lines go: stdout, or stderr when
// stdout carries --json.
func (g *globals) progress(asJSON bool) io.Writer {
	if asJSON {
		return g.env.Stderr
	}
	return g.env.Stdout
}
