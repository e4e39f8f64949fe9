package stack

import (
	"path/filepath"
	"strings"
)

// Command is flowctl as the user can type it from the repository root, for
// the "try next" lines a run ends with: flowctl is not on PATH after
// `make demo` (it runs .run/bin/flowctl), so the lines name the binary
// that runs — relative to the root when it lies inside it, `go run
// ./flowctl` for a `go run` build, else its absolute path.
func (s *Stacks) Command() string {
	self := s.Self
	switch {
	case self == "":
		return "go run ./flowctl"
	case strings.Contains(filepath.ToSlash(self), "/go-build"):
		return "go run ./flowctl"
	case s.layoutErr == nil && s.layout.Rel(self) != self:
		rel := s.layout.Rel(self)
		if !strings.Contains(rel, string(filepath.Separator)) {
			rel = "." + string(filepath.Separator) + rel
		}
		return rel
	}
	return self
}
