package cmd

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/orderflow/platform/config"

	"github.com/orderflow/flowctl/internal/dashboard"
	"github.com/orderflow/flowctl/internal/scenario"
	"github.com/orderflow/flowctl/internal/stack"
)

func newDashboardCmd(g *globals) *cobra.Command {
	var addr, mode string
	var public, detach bool
	size := scenario.DefaultSize
	c := &cobra.Command{
		Use:   "dashboard [--addr 127.0.0.1:8090] [--detach]",
		Short: "Serve the live dashboard: both modes side by side in a browser, with faults, scenarios and traces",
		Long: `dashboard serves a web page showing the sync and events stacks side by side:
place one order or a steady load and watch each step arrive with its +N ms;
live placement latency, time to consistency, consumer lag, outbox and dead
letters; what each service says about one order; faults and stop/start per
service and for the broker; scenarios with their verdicts; one order's trace
as a waterfall. It works with the stacks that run (native or Docker), and
picks up a stack that comes up later. The page, its script and styles are
built into flowctl; the browser fetches nothing from elsewhere.

The services' admin token stays in this process: the page asks the
dashboard, which calls the services with it. It listens on 127.0.0.1 only
unless --public; then its API wants a random key made for this run, which
the URL it prints carries (#key=…).

  flowctl dashboard                    then open http://127.0.0.1:8090
  flowctl dashboard --detach           in the background; 'flowctl down' stops it`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if err := dashboard.CheckAddr(addr, public); err != nil {
				return err
			}
			modes, err := parseModes(mode)
			if err != nil {
				return fmt.Errorf("--mode %s: %w", mode, err)
			}
			if size.Orders < 1 || size.Orders > 1000 {
				return fmt.Errorf("--orders %d: use 1 to 1000", size.Orders)
			}
			if size.DownFor < 500*time.Millisecond || size.DownFor > time.Minute {
				return fmt.Errorf("--down-for %s: use 500ms to 1m", size.DownFor)
			}
			l, err := g.layout()
			if err != nil {
				return err
			}
			url := "http://" + addr
			if detach {
				args := []string{"dashboard", "--addr", addr, "--mode", mode, "--orders", strconv.Itoa(size.Orders), "--down-for", size.DownFor.String(),
					"--run-dir", l.RunDir, "--port-base", strconv.Itoa(g.stacks.PortBase), "--broker-port", strconv.Itoa(g.stacks.BrokerPort)}
				if g.flags.Runtime != "" {
					args = append(args, "--runtime", g.flags.Runtime)
				}
				if public {
					args = append(args, "--public")
				}
				d, err := stack.DetachDashboard(c.Context(), l, g.env.Self, args, addr, g.stacks.ChildEnv())
				if err != nil {
					return explainStartError(g.env.Stderr, err)
				}
				how := "started"
				if d.Already {
					how = "already running"
				}
				if public {
					// The key is the detached process's own: it prints the
					// URL carrying it in its log.
					url = "--public: open the URL with its key, printed in its log"
				}
				fmt.Fprintf(g.env.Stdout, "dashboard: %s (%s, pid %d, log %s; `flowctl down` stops it)\n", url, how, d.PID, l.Rel(l.DashboardLog()))
				return nil
			}
			srv, err := newDashboard(g, l, modes, size, public)
			if err != nil {
				return err
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return fmt.Errorf("dashboard: %w; stop what listens there, or pass --addr", err)
			}
			ctx := c.Context()
			srv.Start(ctx)
			fmt.Fprintf(g.env.Stdout, "dashboard: %s (Ctrl-C stops it)\n", srv.URL(addr))
			if srv.Key() != "" {
				fmt.Fprintf(g.env.Stdout, "dashboard: --public: its API wants the key in that URL (header %s); anyone with the URL can break the stacks\n", dashboard.KeyHeader)
			}
			return srv.Serve(ctx, ln)
		},
	}
	def := stack.FlagDefaults(g.env.Getenv).DashboardAddr
	f := c.Flags()
	f.StringVar(&addr, "addr", def, "where to listen, host:port (env FLOWCTL_DASHBOARD_ADDR); loopback only unless --public")
	f.BoolVar(&public, "public", false, "allow a non-loopback --addr; the API then wants a random per-run key, which the printed URL carries: anyone with that URL can break the stacks")
	f.BoolVar(&detach, "detach", false, "run in the background (pid file in the run dir; `flowctl down` stops it) and return once it listens")
	f.StringVar(&mode, "mode", "both", "which stacks to show: sync, events or both")
	f.IntVar(&size.Orders, "orders", 20, "orders per measured batch of a scenario run from the page")
	f.DurationVar(&size.DownFor, "down-for", 3*time.Second, "how long a scenario keeps inventory-svc or the broker down")
	return c
}

// newDashboard wires the dashboard to the stacks at the configured ports,
// the runtime's control and the admin token.
func newDashboard(g *globals, l stack.Layout, modes []config.Mode, size scenario.Size, public bool) (*dashboard.Server, error) {
	tok, err := g.stacks.Token()
	if err != nil {
		return nil, err
	}
	cfg := dashboard.Config{
		Token:       tok,
		Brokers:     g.stacks.Brokers,
		TopicPrefix: g.stacks.TopicPrefix,
		Jaeger:      g.stacks.Jaeger,
		Control:     func(ctx context.Context) (scenario.Control, error) { return controlOf(ctx, g, "") },
		Reports:     []string{filepath.Join(l.Root, "reports"), l.RunDir},
		Size:        size,
		Public:      public,
	}
	for _, m := range modes {
		cfg.Stacks = append(cfg.Stacks, dashboard.Stack{Mode: m, URLs: g.stacks.URLs(m)})
	}
	return dashboard.New(cfg)
}
