package cmd

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/orderflow/platform/config"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/stack"
)

func newFaultCmd(g *globals) *cobra.Command {
	var mode string
	c := &cobra.Command{
		Use:   "fault",
		Short: "Break a running service on purpose: added latency, error rate, paused consumers",
		Long: `fault sets, clears or shows the faults of a running service through its
/admin/faults endpoint (token: ADMIN_TOKEN, or the one flowctl gave its stacks
in .run/admin-token). Latency and errors apply to the service's API and to each
event it consumes; paused consumers stop taking events from Kafka.

  flowctl fault set inventory-svc --mode events --latency 300ms --error-rate 0.2
  flowctl fault set inventory-svc --mode events --pause-consumers
  flowctl fault clear --mode events            (every service of the stack)
  flowctl fault show --mode sync`,
	}
	var asJSON bool
	c.PersistentFlags().StringVar(&mode, "mode", "", "which stack: sync or events (required)")
	c.PersistentFlags().BoolVar(&asJSON, "json", false, "print the faults in force as JSON, by service")

	var latency time.Duration
	var rate float64
	var pause bool
	set := &cobra.Command{
		Use:   "set SERVICE --mode M [--latency D] [--error-rate R] [--pause-consumers]",
		Short: "Replace a service's faults",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			m, svc, err := faultTarget(mode, args[0])
			if err != nil {
				return err
			}
			s := api.Faults{Latency: latency.String(), ErrorRate: rate, ConsumersPaused: pause}
			got, err := callFaults(c.Context(), g, m, svc, http.MethodPut, &s)
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(g.env.Stdout, map[string]api.Faults{svc: got})
			}
			fmt.Fprintf(g.env.Stdout, "%s (%s): latency %s, error rate %g, consumers paused %v\n", svc, m, got.Latency, got.ErrorRate, got.ConsumersPaused)
			return nil
		},
	}
	set.Flags().DurationVar(&latency, "latency", 0, "added to every request and every consumed event (e.g. 300ms)")
	set.Flags().Float64Var(&rate, "error-rate", 0, "share of requests answered 503 and of event handlings failed and retried (0–1)")
	set.Flags().BoolVar(&pause, "pause-consumers", false, "stop consuming from Kafka (events mode): the backlog grows")

	clear := &cobra.Command{
		Use:   "clear [SERVICE] --mode M",
		Short: "Remove the faults of one service, or of every service of the stack",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			targets := stack.Services
			if len(args) == 1 {
				targets = []string{args[0]}
			}
			cleared := map[string]api.Faults{}
			for _, t := range targets {
				m, svc, err := faultTarget(mode, t)
				if err != nil {
					return err
				}
				if _, err := callFaults(c.Context(), g, m, svc, http.MethodDelete, nil); err != nil {
					return err
				}
				cleared[svc] = api.Faults{Latency: "0s"}
				if !asJSON {
					fmt.Fprintf(g.env.Stdout, "%s (%s): no faults\n", svc, m)
				}
			}
			if asJSON {
				return printJSON(g.env.Stdout, cleared)
			}
			return nil
		},
	}
	show := &cobra.Command{
		Use:   "show --mode M",
		Short: "Show the faults of every service of the stack",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			all := map[string]api.Faults{}
			for _, t := range stack.Services {
				m, svc, err := faultTarget(mode, t)
				if err != nil {
					return err
				}
				got, err := callFaults(c.Context(), g, m, svc, http.MethodGet, nil)
				if err != nil {
					return err
				}
				all[svc] = got
				if !asJSON {
					fmt.Fprintf(g.env.Stdout, "%-14s latency %-6s error rate %-4g consumers paused %v\n", svc, got.Latency, got.ErrorRate, got.ConsumersPaused)
				}
			}
			if asJSON {
				return printJSON(g.env.Stdout, all)
			}
			return nil
		},
	}
	c.AddCommand(set, clear, show)
	return c
}

// faultTarget checks the mode and accepts "inventory" for "inventory-svc".
func faultTarget(mode, svc string) (config.Mode, string, error) {
	m, err := stack.ParseMode(mode)
	if err != nil {
		return "", "", err
	}
	if !strings.HasSuffix(svc, "-svc") {
		svc += "-svc"
	}
	if !slices.Contains(stack.Services, svc) {
		return "", "", fmt.Errorf("service %q: use one of %s", svc, strings.Join(stack.Services, ", "))
	}
	return m, svc, nil
}

func callFaults(ctx context.Context, g *globals, m config.Mode, svc, method string, body *api.Faults) (api.Faults, error) {
	l, err := g.layout()
	if err != nil {
		return api.Faults{}, err
	}
	tok, err := stack.AdminToken(l, g.env.Getenv)
	if err != nil {
		return api.Faults{}, err
	}
	base := stack.StackURLs(g.portBase, m)[svc]
	admin := api.NewAdmin(base, svc, tok, &http.Client{Timeout: 5 * time.Second})
	var got api.Faults
	switch method {
	case http.MethodPut:
		got, err = admin.SetFaults(ctx, *body)
	case http.MethodDelete:
		err = admin.ClearFaults(ctx)
	default:
		got, err = admin.GetFaults(ctx)
	}
	if errors.Is(err, api.ErrNoAdmin) {
		return got, fmt.Errorf("%s has no /admin/faults: it was started without ADMIN_TOKEN; restart the stack with `flowctl up --mode %s`", svc, m)
	}
	return got, unreachable(err, svc+" at "+base, string(m))
}
