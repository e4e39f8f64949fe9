package cmd

import (
	"fmt"
	"net"
	"time"

	"github.com/spf13/cobra"

	"github.com/orderflow/flowctl/internal/dashboard"
	"github.com/orderflow/flowctl/internal/explain"
	"github.com/orderflow/flowctl/internal/stack"
)

const dashboardLong = `dashboard serves a web page showing the stacks side by side (sync, events
with a choreographed saga, events with an orchestrated one; by default
every stack that runs):
place one order or a steady load and watch each step arrive with its +N ms;
live placement latency, time to consistency, consumer lag, outbox and dead
letters; what each service says about one order; faults and stop/start per
service and for the broker; scenarios with their verdicts; one order's trace
as a waterfall. It works with the stacks that run (native or Docker), and
picks up a stack it shows that comes up later (--mode all shows the three
before they run). The page, its script and styles are
built into flowctl; the browser fetches nothing from elsewhere.

The services' admin token stays in this process: the page asks the
dashboard, which calls the services with it. It listens on 127.0.0.1 only
unless --public; then its API wants a random key made for this run, which
the URL it prints carries (#key=…).

  flowctl dashboard                    then open http://127.0.0.1:8090
  flowctl dashboard --detach           in the background; 'flowctl down' stops it`

func newDashboardCmd(g *globals) *cobra.Command {
	f := dashboard.Flags{}
	c := &cobra.Command{
		Use:   "dashboard [--addr 127.0.0.1:8090] [--detach]",
		Short: "Serve the live dashboard: the stacks side by side in a browser, with faults, scenarios and traces",
		Long:  dashboardLong,
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			modes, err := f.Check()
			if err != nil {
				return err
			}
			if f.Detach {
				return detachDashboard(c, g, f)
			}
			modes = dashboard.Shown(c.Context(), modes, stack.Answers, g.stacks.URLs)
			srv, err := dashboard.ForStacks(g.stacks, modes, f)
			if err != nil {
				return err
			}
			return serveDashboard(c, g, srv, f.Addr)
		},
	}
	fl := c.Flags()
	fl.StringVar(&f.Addr, "addr", stack.FlagDefaults(g.env.Getenv).DashboardAddr, "where to listen, host:port (env FLOWCTL_DASHBOARD_ADDR); loopback only unless --public")
	fl.BoolVar(&f.Public, "public", false, "allow a non-loopback --addr; the API then wants a random per-run key, which the printed URL carries: anyone with that URL can break the stacks")
	// No backquotes in a usage: pflag would print the quoted words as the
	// flag's value name ("--detach flowctl down").
	fl.BoolVar(&f.Detach, "detach", false, "run in the background (pid file in the run dir; 'flowctl down' stops it) and return once it listens")
	fl.StringVar(&f.Mode, "mode", "", "which stacks to show: sync, events, events-orchestration, both (sync and events) or all (default: every stack that runs; all three when none runs yet)")
	fl.IntVar(&f.Size.Orders, "orders", 20, "orders per measured batch of a scenario run from the page")
	fl.DurationVar(&f.Size.DownFor, "down-for", 3*time.Second, "how long a scenario keeps inventory-svc or the broker down")
	return c
}

// detachDashboard starts the same dashboard in the background and says
// where it is.
func detachDashboard(c *cobra.Command, g *globals, f dashboard.Flags) error {
	l, err := g.layout()
	if err != nil {
		return err
	}
	d, err := stack.DetachDashboard(c.Context(), l, g.env.Self, f.DetachArgs(g.stacks, l, g.flags.Runtime), f.Addr, g.stacks.ChildEnv())
	if err != nil {
		return explain.StartFailure(g.env.Stderr, err)
	}
	how, url := "started", "http://"+f.Addr
	if d.Already {
		how = "already running"
	}
	if f.Public {
		// The key is the detached process's own: it prints the URL carrying
		// it in its log.
		url = "--public: open the URL with its key, printed in its log"
	}
	fmt.Fprintf(g.env.Stdout, "dashboard: %s (%s, pid %d, log %s; `flowctl down` stops it)\n", url, how, d.PID, l.Rel(l.DashboardLog()))
	return nil
}

// serveDashboard serves srv on addr until the command's context ends.
func serveDashboard(c *cobra.Command, g *globals, srv *dashboard.Server, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil && dashboard.Serving(c.Context(), addr) {
		// `make dashboard` after `make demo*`: the demo's dashboard is there.
		fmt.Fprintf(g.env.Stdout, "dashboard: the dashboard already runs at http://%s ('flowctl down' stops a background one)\n", addr)
		return nil
	}
	if err != nil {
		return fmt.Errorf("dashboard: %s is taken by something that is not a flowctl dashboard (%v): stop it, or pass --addr host:port", addr, err)
	}
	ctx := c.Context()
	srv.Start(ctx)
	fmt.Fprintf(g.env.Stdout, "dashboard: %s (Ctrl-C stops it)\n", srv.URL(addr))
	if srv.Key() != "" {
		fmt.Fprintf(g.env.Stdout, "dashboard: --public: its API wants the key in that URL (header %s); anyone with the URL can break the stacks\n", dashboard.KeyHeader)
	}
	return srv.Serve(ctx, ln)
}
