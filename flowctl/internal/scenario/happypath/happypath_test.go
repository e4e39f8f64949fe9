package happypath

import (
	"strings"
	"testing"

	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/stackmode"
)

func TestJudgeHappyPath(t *testing.T) {
	all := load.Summary{ByStatus: map[string]int{"CONFIRMED": 4}}
	short := load.Summary{ByStatus: map[string]int{"CONFIRMED": 3, "FAILED": 1}}
	for _, c := range []struct {
		name  string
		mode  stackmode.Mode
		s     load.Summary
		holds bool
		says  string
	}{
		{"sync: every order confirmed", stackmode.Sync, all, true, "sync: 4 of 4 confirmed; the client waited"},
		{"events: every order confirmed", stackmode.Events, all, true, "events: 4 of 4 confirmed; answered in"},
		{"one order failed", stackmode.Events, short, false, "events: 3 of 4 confirmed"},
		{"orchestration: every order confirmed", stackmode.Orchestration, all, true, "events-orchestration: 4 of 4 confirmed; answered in"},
		{"orchestration: one order failed", stackmode.Orchestration, short, false, "events-orchestration: 3 of 4 confirmed"},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := judge(c.mode, batch{N: 4, Summary: c.s})
			if bad := Def.Undeclared(o); len(bad) > 0 {
				t.Errorf("metrics the definition lacks: %v", bad)
			}
			if o.Holds != c.holds || !strings.HasPrefix(o.Verdict, c.says) {
				t.Errorf("holds = %v, verdict %q; want %v and %q", o.Holds, o.Verdict, c.holds, c.says)
			}
		})
	}
}
