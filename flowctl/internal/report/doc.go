// Package report is flowctl's terminal output: the demo's orders and summary,
// the steps of `up`, status and order tables, scenario verdicts, progress bars
// and the trace waterfall. The compare report's files (Markdown, HTML, SVG)
// are package comparereport.
package report
