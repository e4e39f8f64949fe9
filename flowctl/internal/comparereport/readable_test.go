package comparereport

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/orderflow/flowctl/internal/scenario"
	"github.com/orderflow/flowctl/internal/scenario/kit"
)

// The checks a report a manager reads first must pass, over the rendered
// Markdown. Each returns what is wrong, nothing when all is well; the tests
// show each failing on a broken report.

// pageOneProblems: the first section is the five questions as a table, every
// question asked, and every mode's answer to it has a number with a unit
// and an n ("n=40" or "k of n").
func pageOneProblems(md string, modes []string) []string {
	sections := strings.Split(md, "\n## ")
	if len(sections) < 2 || !strings.HasPrefix(sections[1], "The five questions") {
		return []string{"page 1 is not the five questions: the first section is " + firstLine(sections)}
	}
	rows := tableRows(sections[1])
	if len(rows) < 2 || !strings.EqualFold(strings.Join(rows[0][1:1+len(modes)], " "), strings.Join(stackLabels(modes), " ")) {
		return []string{"the questions table has no column per mode " + fmt.Sprint(stackLabels(modes))}
	}
	var out []string
	for _, q := range kit.Questions {
		answers := make([]string, len(modes))
		asked := false
		for _, r := range rows[1:] {
			if r[0] != "" {
				if asked {
					break // the next question's first row
				}
				asked = strings.Contains(r[0], mdCell(q.Ask))
			}
			if !asked {
				continue
			}
			for i := range modes {
				answers[i] += " " + r[1+i]
			}
		}
		if !asked {
			out = append(out, fmt.Sprintf("page 1 does not ask %q", q.Ask))
			continue
		}
		for i, m := range modes {
			if strings.Contains(answers[i], "not measured in this report: run ") {
				continue // a question only a scenario left out of `all` answers, and how to run it
			}
			if !hasN.MatchString(answers[i]) || len(bareNumbers(answers[i])) > 0 || !numberToken.MatchString(answers[i]) {
				out = append(out, fmt.Sprintf("%q: %s's answer lacks an n or a unit: %q", q.Ask, m, strings.TrimSpace(answers[i])))
			}
		}
	}
	return out
}

var (
	hasN     = regexp.MustCompile(`n=\d+|\d+ of \d+ `)
	p99OverN = regexp.MustCompile(`p99[^|·;\n]*?\(n=(\d+)`)
)

// p99Problems: a "p99" followed by its n below 100 (a max called a p99).
func p99Problems(md string) []string {
	var out []string
	for _, m := range p99OverN.FindAllStringSubmatch(md, -1) {
		if n, _ := strconv.Atoi(m[1]); n < 100 {
			out = append(out, fmt.Sprintf("a p99 over n=%d: %q", n, m[0]))
		}
	}
	return out
}

// unitProblems: a number in a table's cell (the first column, the labels,
// aside) with no unit after it, no "n=" before it and no status or name it
// counts ("CONFIRMED 20", "HTTP 400").
func unitProblems(md string) []string {
	var out []string
	for _, row := range tableRows(md) {
		for _, cell := range row[1:] {
			for _, n := range bareNumbers(cell) {
				out = append(out, fmt.Sprintf("%q has no unit in %q", n, cell))
			}
		}
	}
	return out
}

var (
	cellNumber = regexp.MustCompile(`\d+(?:[.,]\d+)*`)
	unitAfter  = regexp.MustCompile(`^(?:\s?%|\s?[A-Za-z×µ])`)
	okBefore   = regexp.MustCompile(`(?:n=|[A-Za-z_.\-+/#]|[A-Z]{2,} |\d[.,]?)$`)
)

// bareNumbers are the numbers of s with no unit.
func bareNumbers(s string) []string {
	var out []string
	for _, loc := range cellNumber.FindAllStringIndex(s, -1) {
		if unitAfter.MatchString(s[loc[1]:]) || okBefore.MatchString(s[:loc[0]]) || httpStatus(s, loc) {
			continue
		}
		out = append(out, s[loc[0]:loc[1]])
	}
	return out
}

// ttcProblems: a section whose time to consistency counts more samples than
// the mode had CONFIRMED orders (failed orders counted as consistent).
func ttcProblems(md string, r scenario.Report, modes []string) []string {
	var out []string
	for _, run := range r.Runs {
		section := between(md, "\n## "+run.Scenario+"\n", "\n## ")
		for _, row := range tableRows(section) {
			if !strings.HasPrefix(row[0], "time to consistency samples") {
				continue
			}
			for i, m := range modes {
				o, ok := outcomeOf(run, m)
				n, err := strconv.Atoi(strings.TrimPrefix(row[1+i], "n="))
				if ok && err == nil && n > o.ByStatus["CONFIRMED"] {
					out = append(out, fmt.Sprintf("%s %s: time to consistency over n=%d with %d CONFIRMED", run.Scenario, m, n, o.ByStatus["CONFIRMED"]))
				}
			}
		}
	}
	return out
}

// tableRows are the data rows of the Markdown tables in md (the header's
// separator left out), each cell unescaped enough to read.
func tableRows(md string) [][]string {
	var rows [][]string
	for _, l := range strings.Split(md, "\n") {
		if !strings.HasPrefix(l, "| ") || strings.HasPrefix(l, "| ---") {
			continue
		}
		l = strings.ReplaceAll(strings.Trim(l, "| "), `\|`, "¦")
		cells := strings.Split(l, " | ")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		rows = append(rows, cells)
	}
	return rows
}

func firstLine(sections []string) string {
	if len(sections) < 2 {
		return "(none)"
	}
	l, _, _ := strings.Cut(sections[1], "\n")
	return strconv.Quote(l)
}

// httpStatus says the number at loc is an HTTP status in parentheses, as
// in "too late (409)".
func httpStatus(s string, loc []int) bool {
	return loc[0] > 0 && s[loc[0]-1] == '(' && loc[1] < len(s) && s[loc[1]] == ')' &&
		loc[1]-loc[0] == 3 && s[loc[0]] >= '1' && s[loc[0]] <= '5'
}
