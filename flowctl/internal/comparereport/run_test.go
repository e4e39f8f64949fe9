package comparereport

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orderflow/flowctl/internal/scenario"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stack/stacktest"
)

// noStacks is a Stacks whose runtime fails every bring-up, for the paths
// that must not bring anything up.
func noStacks(t *testing.T) (*stack.Stacks, *stacktest.Runtime) {
	rt := &stacktest.Runtime{UpErr: errors.New("no stack may come up here")}
	return stacktest.New(t, rt, map[string]string{"ADMIN_TOKEN": "tok"}), rt
}

func TestCompareFromARecordedRun(t *testing.T) {
	b, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	recorded := filepath.Join(t.TempDir(), "docs", "runs", "x")
	if err := os.MkdirAll(recorded, 0o755); err != nil {
		t.Fatal(err)
	}
	from := filepath.Join(recorded, "results.json")
	if err := os.WriteFile(from, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "reports")
	s, rt := noStacks(t)
	rep, files, err := Compare(context.Background(), s, Setup{From: from, Names: []string{"all"}, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Runs) != 8 || len(rt.Ups()) != 0 {
		t.Errorf("%d runs, brought up %v; want the fixture's 8 runs and nothing up", len(rep.Runs), rt.Ups())
	}
	for _, f := range files {
		// Rendered again under --out, never into the recording's directory.
		if want := filepath.Join(out, rep.Started.Local().Format("20060102-150405")); filepath.Dir(f) != want {
			t.Errorf("%s is not in %s", f, want)
		}
		if _, err := os.Stat(f); err != nil {
			t.Error(err)
		}
	}
	if after, _ := os.ReadDir(recorded); len(after) != 1 {
		t.Errorf("the recording's directory holds %d files after the render, want its results.json only", len(after))
	}
	if len(files) < 3 {
		t.Errorf("files = %v, want report.md, report.html and results.json at least", files)
	}
}

func TestCompareSaysWhichFlagIsWrong(t *testing.T) {
	s, rt := noStacks(t)
	bad := scenario.Setup{Size: scenario.DefaultSize, Up: stack.UpOptions{Progress: &bytes.Buffer{}}}
	bad.Size.Orders = 0
	tests := []struct {
		set  Setup
		want string
	}{
		{Setup{From: filepath.Join(t.TempDir(), "missing.json")}, "--from: "},
		{Setup{Names: []string{"nope"}}, `--scenarios: no scenario "nope"`},
		{Setup{Names: []string{"all"}, Scenarios: bad}, "--orders 0: use 1 to 10000"},
	}
	for _, tt := range tests {
		_, _, err := Compare(context.Background(), s, tt.set)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("err = %v, want %q", err, tt.want)
		}
	}
	if len(rt.Ups()) != 0 {
		t.Errorf("brought up %v before the flags were right", rt.Ups())
	}
}

// TestAStoppedRunKeepsItsReport: the scenario that stopped a run leaves the
// report of those before it, and the error says where it is; with nothing
// written, the error says that too.
func TestAStoppedRunKeepsItsReport(t *testing.T) {
	stopped := errors.New("scenario dual-write (events-orchestration): order-svc exited before it was ready")
	r := loadFixture(t)
	dir := filepath.Join(t.TempDir(), "partial")
	_, files, err := writeResults(dir, r, stopped)
	if !errors.Is(err, stopped) || !strings.Contains(err.Error(), "the 8 scenarios that ran before it are in "+dir) {
		t.Errorf("err = %v, want the scenario's error and where its report is", err)
	}
	if len(files) != 3 {
		t.Errorf("files = %v, want report.md, report.html and results.json", files)
	}
	if got, err := ReadReport(filepath.Join(dir, ResultsJSON)); err != nil || len(got.Runs) != 8 {
		t.Errorf("the partial results.json: %d runs, %v", len(got.Runs), err)
	}
	notADir := filepath.Join(dir, ResultsJSON) // a file: nothing can be written under it
	if _, _, err := writeResults(notADir, r, stopped); !errors.Is(err, stopped) || !strings.Contains(err.Error(), "partial report could not be written") {
		t.Errorf("err = %v, want the scenario's error and that the report was not written", err)
	}
	if _, _, err := writeResults(filepath.Join(t.TempDir(), "whole"), r, nil); err != nil {
		t.Errorf("a whole run: %v", err)
	}
}
