package comparereport

import (
	"bytes"
	_ "embed"
	"fmt"
	"slices"
	"strings"
)

// anchor makes a scenario name into a fragment id that both GitHub's
// Markdown headings and the HTML sections use.
func anchor(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	return b.String()
}

// ---- Markdown helpers ----

// mdEscape backslash-escapes what Markdown would otherwise read as markup
// (a verdict's "<" as the start of a tag, "|" as a table column); every
// escaped character is ASCII punctuation, so the text still reads as written.
func mdEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\`*_[]<>|", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// mdCell is mdEscape for a table cell, which must stay on one line.
func mdCell(s string) string { return mdEscape(oneLine(s)) }

func mdCells(values []string) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = mdCell(v)
	}
	return out
}

func mdRow(b *bytes.Buffer, cols []string) {
	fmt.Fprintf(b, "| %s |\n", strings.Join(cols, " | "))
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// fence is a code fence longer than any run of backticks in lines, so a
// detail line cannot end the block early.
func fence(lines []string) string {
	longest := 0
	for _, l := range lines {
		run := 0
		for _, r := range l {
			if r == '`' {
				run++
				longest = max(longest, run)
			} else {
				run = 0
			}
		}
	}
	return strings.Repeat("`", max(3, longest+1))
}

// mdQuestionsTable is page 1: a row per question and answering scenario,
// the question named on its first row only.
func mdQuestionsTable(b *bytes.Buffer, v compareView) {
	b.WriteString("## The five questions, answered by this run\n\n")
	head := []string{"Question"}
	for _, l := range v.Labels {
		head = append(head, mdCell(l))
	}
	mdRow(b, append(head, "Measured by"))
	mdRow(b, slices.Repeat([]string{"---"}, len(head)+1))
	for _, q := range v.Questions {
		for i, row := range q.Rows {
			ask := ""
			if i == 0 {
				ask = "**" + mdCell(q.Ask) + "**"
			}
			by := "–"
			if row.Scenario != "" {
				by = fmt.Sprintf("[%s](#%s)", mdCell(row.Scenario), row.Anchor)
			}
			mdRow(b, append(append([]string{ask}, mdCells(row.Cells)...), by))
		}
	}
	b.WriteString("\n")
}
