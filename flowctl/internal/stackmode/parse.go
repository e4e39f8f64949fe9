package stackmode

import (
	"errors"
	"fmt"
)

// aliases are the other names a stack answers to on the command line.
var aliases = map[string]Mode{
	"events-choreography": Events,
	"orchestration":       Orchestration,
}

const names = "sync, events (events-choreography) or events-orchestration (orchestration)"

// Parse accepts one stack by name or alias.
func Parse(s string) (Mode, error) {
	switch m := Mode(s); m {
	case Sync, Events, Orchestration:
		return m, nil
	case "":
		return "", errors.New("--mode is required: use --mode " + names)
	}
	if m, ok := aliases[s]; ok {
		return m, nil
	}
	return "", fmt.Errorf("--mode %q is not a stack: use %s", s, names)
}

// ParseList accepts one stack, both (sync and events) or all (the three).
func ParseList(s string) ([]Mode, error) {
	switch s {
	case "both":
		return append([]Mode(nil), Both...), nil
	case "all":
		return append([]Mode(nil), All...), nil
	}
	m, err := Parse(s)
	if err != nil {
		return nil, fmt.Errorf("%w (or both, or all)", err)
	}
	return []Mode{m}, nil
}

// OfSaga is the events stack that runs style ("" or choreography: events).
func OfSaga(style string) (Mode, error) {
	switch style {
	case "", "choreography":
		return Events, nil
	case "orchestration":
		return Orchestration, nil
	}
	return "", fmt.Errorf("--saga %q: use choreography or orchestration", style)
}

// ParseWithSaga is the stack --mode and --saga name together: --saga alone
// picks the events stack that runs it; with --mode they must agree.
func ParseWithSaga(mode, saga string) (Mode, error) {
	if saga == "" {
		return Parse(mode)
	}
	bySaga, err := OfSaga(saga)
	if err != nil {
		return "", err
	}
	if mode == "" {
		return bySaga, nil
	}
	m, err := Parse(mode)
	if err != nil {
		return "", err
	}
	if m == Events || m == bySaga {
		return bySaga, nil
	}
	if !m.Kafka() {
		return "", fmt.Errorf("--saga needs an events stack: a %s stack has no saga style (drop --saga or use --mode events)", m)
	}
	return "", fmt.Errorf("--mode %s runs SAGA=%s, not %s: drop --saga or use --mode events --saga %s", m, m.Saga(), saga, saga)
}
