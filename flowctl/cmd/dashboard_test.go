package cmd

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// A backquoted word in a flag's usage becomes its value name in --help:
// `flowctl dashboard --help` printed "--detach flowctl down" (issue 20).
// No flag of any command may have a value name with a space in it.
func TestNoFlagUsageNamesAValueByAccident(t *testing.T) {
	root := New(Env{Getenv: func(string) string { return "" }, Dir: t.TempDir()})
	var bad []string
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.Flags().VisitAll(func(f *pflag.Flag) {
			if name, _ := pflag.UnquoteUsage(f); strings.ContainsAny(name, " '") {
				bad = append(bad, fmt.Sprintf("%s --%s %s", c.CommandPath(), f.Name, name))
			}
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	if len(bad) > 0 {
		t.Errorf("flags whose usage backquotes words (shown as their value name):\n%s", strings.Join(bad, "\n"))
	}
	// The check sees one when there is one.
	probe := pflag.NewFlagSet("probe", pflag.ContinueOnError)
	probe.Bool("detach", false, "`flowctl down` stops it")
	if name, _ := pflag.UnquoteUsage(probe.Lookup("detach")); name != "flowctl down" {
		t.Errorf("a backquoted usage gives the value name %q; the check above relies on it", name)
	}
}

// `make dashboard` after `make demo*`: a dashboard already on the address is
// said and is no failure; anything else there is a one-line error.
func TestDashboardOnATakenAddress(t *testing.T) {
	dash := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("<!doctype html><html><head><meta charset=\"utf-8\">\n<title>orderflow dashboard — sync vs events</title>"))
	}))
	defer dash.Close()
	addr := strings.TrimPrefix(dash.URL, "http://")
	// flowctl wants a repository (a go.work) around its run dir.
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.work"), []byte("go 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (string, error) {
		var out bytes.Buffer
		root := New(Env{Getenv: func(string) string { return "" }, Stdout: &out, Stderr: &out, Dir: dir})
		root.SetArgs(args)
		err := root.ExecuteContext(context.Background())
		return out.String(), err
	}
	out, err := run("dashboard", "--addr", addr)
	if err != nil || !strings.Contains(out, "the dashboard already runs at http://"+addr) {
		t.Errorf("a dashboard on %s: err %v, output %q", addr, err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	taken := ln.Addr().String()
	_, err = run("dashboard", "--addr", taken)
	if err == nil || !strings.Contains(err.Error(), taken+" is taken by something that is not a flowctl dashboard") || strings.Contains(err.Error(), "\n") {
		t.Errorf("something else on %s: err %v, want one line saying so", taken, err)
	}
}
