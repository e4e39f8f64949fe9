package cmd

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// maxFuncLines is issue 18's rule for this package: a command is a flags
// struct, the cobra wiring and one call into the package that owns its
// logic, so no function here needs more.
const maxFuncLines = 40

// TestCommandFunctionsAreShort keeps the rule true: every function of the
// package's non-test files, closures included, is at most maxFuncLines
// lines from its func keyword to its closing brace.
func TestCommandFunctionsAreShort(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	funcs := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		funcs += countFuncs(f)
		for _, long := range longFuncs(fset, f, maxFuncLines) {
			t.Errorf("%s: keep command functions at %d lines or fewer; move the logic into the package the command calls", long, maxFuncLines)
		}
	}
	// Guard against a vacuous pass (files not found, parsed as empty).
	if funcs < 20 {
		t.Fatalf("found %d functions in %d files: is the test running in flowctl/cmd?", funcs, len(files))
	}
}

// TestLongFuncsFindsALongFunction: the check flags a function of 41 lines
// and passes one of 40.
func TestLongFuncsFindsALongFunction(t *testing.T) {
	body := func(name string, lines int) string {
		return "func " + name + "() {\n" + strings.Repeat("\t_ = 1\n", lines-2) + "}\n"
	}
	src := "package p\n\n" + body("ok", 40) + body("long", 41)
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := longFuncs(fset, f, 40)
	if len(got) != 1 || !strings.Contains(got[0], "long is 41 lines") {
		t.Errorf("longFuncs = %q, want only long (41 lines)", got)
	}
}

// longFuncs describes each function of f longer than max lines.
func longFuncs(fset *token.FileSet, f *ast.File, max int) []string {
	var out []string
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok {
			continue
		}
		start, end := fset.Position(fd.Pos()), fset.Position(fd.End())
		if n := end.Line - start.Line + 1; n > max {
			out = append(out, fmt.Sprintf("%s:%d: %s is %d lines", start.Filename, start.Line, fd.Name.Name, n))
		}
	}
	return out
}

// countFuncs is how many functions f declares.
func countFuncs(f *ast.File) int {
	n := 0
	for _, d := range f.Decls {
		if _, ok := d.(*ast.FuncDecl); ok {
			n++
		}
	}
	return n
}
