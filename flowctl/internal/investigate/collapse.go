package investigate

import (
	"strconv"
	"strings"
)

// CollapseRepeats shortens an error text that lists one error many times:
// kafka-go's batch error reads "Kafka write errors (22/22), errors: [e e …
// e]" with e "dial tcp …: connection refused" 22 times. A bracketed list
// whose items are one text repeated becomes "[e ×22]"; anything else is
// returned as it is.
func CollapseRepeats(s string) string {
	open := strings.LastIndex(s, "[")
	if open < 0 || !strings.HasSuffix(s, "]") {
		return s
	}
	list := s[open+1 : len(s)-1]
	unit, n := repeatedUnit(list)
	if n < 2 {
		return s
	}
	return s[:open+1] + unit + " ×" + itoa(n) + "]"
}

// repeatedUnit finds the shortest u with list == u + (" " + u)×(n-1), n > 1.
func repeatedUnit(list string) (string, int) {
	for l := 1; l < len(list); l++ {
		if (len(list)+1)%(l+1) != 0 || list[l] != ' ' && l != len(list) {
			continue
		}
		unit := list[:l]
		n := (len(list) + 1) / (l + 1)
		if n > 1 && strings.Repeat(unit+" ", n-1)+unit == list {
			return unit, n
		}
	}
	return list, 1
}

func itoa(n int) string { return strconv.Itoa(n) }
