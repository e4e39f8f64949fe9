package native

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/orderflow/flowctl/internal/stack"
)

// defaultJaegerVersion is used when tools/jaeger/go.mod does not say.
const defaultJaegerVersion = "v1.76.0"

// JaegerVersion reads the Jaeger version tools/jaeger/go.mod pins, so a bump
// there lands in a new cache directory instead of reusing the old binary.
func JaegerVersion(l stack.Layout) string {
	b, err := os.ReadFile(filepath.Join(l.JaegerModule(), "go.mod"))
	if err != nil {
		return defaultJaegerVersion
	}
	m := regexp.MustCompile(`(?m)^\s*(?:require\s+)?github\.com/jaegertracing/jaeger\s+(v\S+)`).FindSubmatch(b)
	if m == nil {
		return defaultJaegerVersion
	}
	return string(m[1])
}

// JaegerBinary is where the built Jaeger is cached under cache
// (Stacks.JaegerCacheDir: $XDG_CACHE_HOME, default ~/.cache), outside the
// run dir; cache "" means neither is set.
func JaegerBinary(cache, version string) (string, error) {
	if cache == "" {
		return "", errors.New("neither XDG_CACHE_HOME nor HOME is set: flowctl needs one to cache the Jaeger binary")
	}
	// "-static": the same CGO-free build scripts/images-offline.sh puts in its
	// image, so one 2–10 minute build serves both the native and the Docker path.
	return filepath.Join(cache, "orderflow", "jaeger-"+version+"-static", "jaeger"), nil
}

// BuildJaeger builds Jaeger from tools/jaeger (its own module: its
// dependencies clash with the services') into out. It shows progress on w:
// a live elapsed-time / packages-compiled line on a terminal, a plain line
// every 15 s otherwise. The binary is written next to out and renamed, so an
// interrupted build never leaves a half-written "cached" binary.
func BuildJaeger(ctx context.Context, l stack.Layout, out string, w io.Writer, tty bool) error {
	if _, err := os.Stat(filepath.Join(l.JaegerModule(), "go.mod")); err != nil {
		return fmt.Errorf("%s/go.mod is missing, so Jaeger cannot be built; run with --no-jaeger", l.Rel(l.JaegerModule()))
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return fmt.Errorf("jaeger cache dir: %w", err)
	}
	tmp := out + ".building"
	cmd := exec.CommandContext(ctx, "go", "build", "-v", "-trimpath", "-ldflags=-s -w", "-o", tmp, "github.com/jaegertracing/jaeger/cmd/jaeger")
	cmd.Dir = l.JaegerModule()
	// The whole environment is handed to go build (its caches, proxy and
	// toolchain settings), not read here.
	cmd.Env = append(os.Environ(), "GOWORK=off", "CGO_ENABLED=0")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return fmt.Errorf("build jaeger: %w", err)
	}
	cmd.Stdout = io.Discard
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("build jaeger: %w", err)
	}
	p := &buildProgress{w: w, tty: tty, start: start}
	stop := p.run()
	var tail []string
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		line := sc.Text()
		tail = append(tail, line)
		if len(tail) > 12 {
			tail = tail[1:]
		}
		// `go build -v` names each package as it compiles it; error output
		// has spaces or starts with '#'.
		if line != "" && !strings.ContainsAny(line, " \t") && !strings.HasPrefix(line, "#") {
			p.add()
		}
	}
	err = cmd.Wait()
	stop()
	if err != nil {
		_ = os.Remove(tmp)
		if ctx.Err() != nil {
			return fmt.Errorf("jaeger build interrupted: %w", ctx.Err())
		}
		return fmt.Errorf("building Jaeger failed (%s): %s", err, strings.Join(tail, " | "))
	}
	if err := os.Rename(tmp, out); err != nil {
		return fmt.Errorf("jaeger build: %w", err)
	}
	return nil
}

// buildProgress shows how far a long build is.
type buildProgress struct {
	w     io.Writer
	tty   bool
	start time.Time
	mu    sync.Mutex
	pkgs  int
}

func (p *buildProgress) add() {
	p.mu.Lock()
	p.pkgs++
	p.mu.Unlock()
}

func (p *buildProgress) line() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	line := fmt.Sprintf("  %-9s  building… %s elapsed", "jaeger", time.Since(p.start).Round(time.Second))
	if p.pkgs > 0 { // packages from Go's build cache are not listed, so a warm cache shows none
		line += fmt.Sprintf(", %d packages compiled", p.pkgs)
	}
	return line
}

// run refreshes the display until the returned stop is called.
func (p *buildProgress) run() (stop func()) {
	every := 15 * time.Second
	if p.tty {
		every = 250 * time.Millisecond
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				if p.tty {
					fmt.Fprint(p.w, "\r\033[K") // clear the live line; the step line follows
				}
				return
			case <-t.C:
				if p.tty {
					fmt.Fprint(p.w, "\r\033[K"+p.line())
				} else {
					fmt.Fprintln(p.w, p.line())
				}
			}
		}
	}()
	return func() { close(done); <-finished }
}

// JaegerResult says which Jaeger the stack uses.
type JaegerResult struct {
	PID     int
	Started bool // false: one that already ran is reused
	Foreign bool // it runs, answers as Jaeger, but flowctl did not start it
	Built   bool // the binary was built this time
}

// EnsureJaeger reuses a running Jaeger or starts the cached binary (building
// it first if needed) under cache with env (Options.JaegerCache, BaseEnv),
// and waits until it accepts spans and answers queries.
func EnsureJaeger(ctx context.Context, l stack.Layout, cache string, env []string, progress io.Writer, tty bool) (JaegerResult, error) {
	jaegerUp := func(ctx context.Context) error {
		if err := stack.Probe(ctx, stack.JaegerHealth); err != nil {
			return err
		}
		return stack.Probe(ctx, stack.JaegerServices)
	}
	if p, ok := stack.RunningFromPIDFile(l.JaegerPID()); ok && jaegerUp(ctx) == nil {
		return JaegerResult{PID: p.PID}, nil
	}
	// Ours but not answering (wedged), or a stale pid file: stop what is ours
	// so its ports are free again; a pid that is not ours is left alone.
	if _, err := stack.Stop(ctx, l.JaegerPID(), StopGrace); err != nil {
		return JaegerResult{}, err
	}
	if jaegerUp(ctx) == nil {
		// Someone else's Jaeger on the same ports: sending it the demo's
		// spans is harmless, and what a user who started one wants.
		return JaegerResult{Foreign: true}, nil
	}
	for _, port := range []int{stack.JaegerUIPort, stack.JaegerOTLPPort, stack.JaegerHealthPort} {
		if err := stack.CheckPortFree(port, "Jaeger"); err != nil {
			var inUse *stack.PortInUseError
			if errors.As(err, &inUse) {
				return JaegerResult{}, fmt.Errorf("port %d is in use by another program that is not a ready Jaeger; stop it, or run with --no-jaeger", port)
			}
			return JaegerResult{}, err
		}
	}
	if _, err := os.Stat(l.JaegerConfig()); err != nil {
		return JaegerResult{}, fmt.Errorf("%s is missing, so Jaeger cannot start; run with --no-jaeger", l.Rel(l.JaegerConfig()))
	}
	bin, err := JaegerBinary(cache, JaegerVersion(l))
	if err != nil {
		return JaegerResult{}, err
	}
	res := JaegerResult{Started: true}
	if _, err := os.Stat(bin); err != nil {
		fmt.Fprintf(progress, "  %-9s  building Jaeger %s from source (first time only, takes 2–5 min) into %s\n", "jaeger", JaegerVersion(l), bin)
		if err := BuildJaeger(ctx, l, bin, progress, tty); err != nil {
			return JaegerResult{}, err
		}
		res.Built = true
	}
	p, err := stack.StartDetached(stack.Spec{
		Args:    []string{bin, "--config", l.JaegerConfig()},
		Env:     env,
		Dir:     l.Root,
		LogPath: l.JaegerLog(),
		PIDPath: l.JaegerPID(),
	})
	if err != nil {
		return JaegerResult{}, err
	}
	res.PID = p.PID
	if err := stack.WaitFor(ctx, 60*time.Second, 100*time.Millisecond, p.Ours, jaegerUp); err != nil {
		return res, &stack.StartError{What: "Jaeger", Log: l.Rel(l.JaegerLog()), Tail: stack.TailFile(l.JaegerLog(), 20), Err: err}
	}
	return res, nil
}
