// Command order-svc takes orders and, by MODE, either calls inventory-svc and
// invoicing-svc over REST (sync) or publishes OrderPlaced through an outbox
// and follows the answers on Kafka (events).
package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/service"

	"github.com/orderflow/order-svc/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args, os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "order-svc:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 1 {
		return fmt.Errorf("unexpected argument %q: order-svc is configured by environment variables (see the README's table)", args[1])
	}
	cfg, err := config.Load(app.Name, getenv)
	if err != nil {
		return err
	}
	a, err := app.New(ctx, cfg, service.Options{LogWriter: stdout, Getenv: getenv})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		a.Close()
		return fmt.Errorf("listen on %s: %w (is another process using the port? set HTTP_ADDR)", cfg.HTTPAddr, err)
	}
	return a.Run(ctx, ln)
}
