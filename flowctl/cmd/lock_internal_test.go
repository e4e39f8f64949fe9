package cmd

import (
	"bytes"
	"testing"
)

// The holder's text is the command as typed: arguments, its flags and the
// global ones, each once.
func TestCommandLineIsWhatWasTyped(t *testing.T) {
	var out bytes.Buffer
	root := New(Env{Getenv: func(string) string { return "" }, Stdout: &out, Stderr: &out})
	sc, rest, err := root.Find([]string{"scenario", "replay"})
	if err != nil {
		t.Fatal(err)
	}
	if err := sc.ParseFlags(append(rest, "--mode", "events", "--no-jaeger", "--propagation", "child,off", "--runtime", "native")); err != nil {
		t.Fatal(err)
	}
	want := "flowctl scenario replay --mode events --no-jaeger --propagation child,off --runtime native"
	if got := commandLine(sc); got != want {
		t.Errorf("commandLine = %q, want %q", got, want)
	}
}
