package stack

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"time"
)

// The dashboard a demo leaves running in the background: `flowctl down`
// stops it with the broker and Jaeger.
func (l Layout) DashboardPID() string { return filepath.Join(l.RunDir, "dashboard.pid") }
func (l Layout) DashboardLog() string { return filepath.Join(l.RunDir, "logs", "dashboard.log") }

// Detached is a dashboard running in the background.
type Detached struct {
	PID int
	// Already: it was running before this call (the same run dir's).
	Already bool
}

// DetachDashboard starts `flowctl dashboard` (args after the binary) in the
// background with env (Stacks.ChildEnv), or leaves the one this run dir
// already runs, and returns once addr accepts connections.
func DetachDashboard(ctx context.Context, l Layout, self string, args []string, addr string, env []string) (Detached, error) {
	if p, ok := RunningFromPIDFile(l.DashboardPID()); ok {
		return Detached{PID: p.PID, Already: true}, nil
	}
	if self == "" {
		return Detached{}, fmt.Errorf("cannot start the dashboard: the path of the flowctl binary is unknown")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return Detached{}, fmt.Errorf("dashboard address %s: %w; stop what listens there, or pass --addr", addr, err)
	}
	ln.Close()
	p, err := StartDetached(Spec{Args: append([]string{self}, args...), Env: env, Dir: l.Root, LogPath: l.DashboardLog(), PIDPath: l.DashboardPID()})
	if err != nil {
		return Detached{}, err
	}
	err = WaitFor(ctx, 20*time.Second, 50*time.Millisecond, p.Ours, func(ctx context.Context) error {
		c, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
		if err == nil {
			c.Close()
		}
		return err
	})
	if err != nil {
		return Detached{}, &StartError{What: "the dashboard", Log: l.Rel(l.DashboardLog()), Tail: TailFile(l.DashboardLog(), 20), Err: err}
	}
	return Detached{PID: p.PID}, nil
}

// dashboardState is the status row of a background dashboard, if this run
// dir has one; its address is read from the command line flowctl started.
func dashboardState(ctx context.Context, l Layout) (State, bool) {
	p, ok := RunningFromPIDFile(l.DashboardPID())
	if !ok {
		return State{}, false
	}
	st := State{Name: "dashboard", PID: p.PID, Ours: true, Detail: "log " + l.Rel(l.DashboardLog())}
	for i, a := range p.Cmdline {
		if a == "--addr" && i+1 < len(p.Cmdline) {
			st.Addr = p.Cmdline[i+1]
		}
	}
	if st.Addr != "" {
		st.Ready = Answers(ctx, "http://"+st.Addr+"/api/state")
		st.Detail = "http://" + st.Addr + " · " + st.Detail
	}
	return st, true
}
