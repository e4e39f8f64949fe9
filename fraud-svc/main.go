// Command fraud-svc checks each reserved order for fraud (FRAUD_CHECK=on):
// over REST (sync mode), from StockReserved or CheckFraud (events).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/service"

	"github.com/orderflow/fraud-svc/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args, os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, app.Name+":", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, _ io.Writer) error {
	return service.Main(ctx, app.Name, args, getenv, stdout, func(ctx context.Context, cfg config.Config, opts service.Options) (*service.App, error) {
		a, err := app.New(ctx, cfg, opts)
		if err != nil {
			return nil, err
		}
		return a.App, nil
	})
}
