package cmd

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/orderflow/flowctl/internal/balancer"
)

const lbLong = `lb runs the load balancer a natively scaled service sits behind, in the
foreground until SIGINT or SIGTERM: a reverse proxy on the service's usual
port sending each request to the ready replica with the fewest requests in
flight, checking each replica's /readyz every 500 ms, and a control API on a
loopback port of its own (its address written to --control-file) through
which 'flowctl scale' changes the rotation and waits for a replica to drain
(GET /counts: the requests it resent, the connections refused, the requests
it failed itself; the scale-out scenario reads them).

'flowctl up --replicas' and 'flowctl scale' start one of these for you.`

type lbFlags struct{ name, listen, controlFile, backends string }

func newLBCmd(g *globals) *cobra.Command {
	var f lbFlags
	c := &cobra.Command{
		Use:    "lb --listen ADDR --backends ADDR[,ADDR…] --control-file PATH",
		Short:  "Run the load balancer in front of a scaled service's replicas, in the foreground",
		Long:   lbLong,
		Args:   cobra.NoArgs,
		Hidden: true, // started by up and scale, not by hand
		RunE: func(c *cobra.Command, _ []string) error {
			if f.listen == "" || f.controlFile == "" {
				return errors.New("lb needs --listen and --control-file; `flowctl scale` starts it with both")
			}
			return runLB(c.Context(), g, f)
		},
	}
	c.Flags().StringVar(&f.name, "name", "service", "the service balanced, for its log")
	c.Flags().StringVar(&f.listen, "listen", "", "address the callers use: the service's usual one")
	c.Flags().StringVar(&f.controlFile, "control-file", "", "file to write the control API's address to")
	c.Flags().StringVar(&f.backends, "backends", "", "the replicas, host:port comma-separated")
	return c
}

// runLB serves until ctx ends, then shuts down: requests in flight finish.
func runLB(ctx context.Context, g *globals, f lbFlags) error {
	var addrs []string
	for a := range strings.SplitSeq(f.backends, ",") {
		if a = strings.TrimSpace(a); a != "" {
			addrs = append(addrs, a)
		}
	}
	b := balancer.New(addrs)
	ln, err := net.Listen("tcp", f.listen)
	if err != nil {
		return fmt.Errorf("lb %s: listen: %w", f.name, err)
	}
	ctl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("lb %s: control listener: %w", f.name, err)
	}
	if err := os.WriteFile(f.controlFile, []byte(ctl.Addr().String()+"\n"), 0o644); err != nil {
		return fmt.Errorf("lb %s: %w", f.name, err)
	}
	go b.RunHealth(ctx, 500*time.Millisecond)
	srv := &http.Server{Handler: b, ReadHeaderTimeout: 10 * time.Second}
	csrv := &http.Server{Handler: b.ControlHandler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = csrv.Serve(ctl) }()
	go func() { _ = srv.Serve(ln) }()
	fmt.Fprintf(g.env.Stdout, "lb %s: %s → %s (control %s)\n", f.name, f.listen, strings.Join(addrs, ", "), ctl.Addr())
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return errors.Join(srv.Shutdown(sctx), csrv.Shutdown(sctx))
}
