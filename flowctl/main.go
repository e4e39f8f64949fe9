// Command flowctl runs the orderflow demo: it starts the stacks, places orders
// and shows what happened to them.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/orderflow/flowctl/cmd"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args, os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "flowctl:", err)
		os.Exit(cmd.ExitCode(err))
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	dir, err := os.Getwd()
	if err != nil {
		return fmt.Errorf("working directory: %w", err)
	}
	// `up` starts this same binary again as `flowctl broker`.
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find the flowctl binary: %w", err)
	}
	root := cmd.New(cmd.Env{Getenv: getenv, Stdout: stdout, Stderr: stderr, Dir: dir, Self: self, Stdin: os.Stdin})
	root.SetArgs(args[1:])
	return root.ExecuteContext(ctx)
}
