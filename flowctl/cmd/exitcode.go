package cmd

import "errors"

// ExitCode is the exit status for a command's error: 0 for none, the
// error's own ExitCode when it has one (order watch's 2: --timeout passed
// with the order not final, which the exercises expect), else 1.
func ExitCode(err error) int {
	if err == nil {
		return 0
	}
	var coded interface{ ExitCode() int }
	if errors.As(err, &coded) {
		return coded.ExitCode()
	}
	return 1
}
