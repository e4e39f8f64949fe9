package comparereport

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/orderflow/flowctl/internal/scenario"
	"github.com/orderflow/flowctl/internal/scenario/kit"
)

// The docs quote verdicts and numbers a room will believe. Each quote must
// come from a run recorded in the repo: a `<!-- recorded: docs/runs/…/results.json -->`
// marker names the results file (or files) for everything below it, and this test
// checks that every verdict quoted there is the recorded verdict and every
// number in an evidence table's Example column is one the run measured.

// repoRoot is the repository's top, from this package's directory.
const repoRoot = "../../.."

// quotedDocs are the docs that quote scenario results.
var quotedDocs = []string{"docs/workshop.md", "docs/decision-checklist.md"}

var (
	recordedMarker = regexp.MustCompile(`<!-- recorded: (.+?) -->`)
	numberToken    = regexp.MustCompile(`\d+(?:\.\d+)?`)
)

// docQuote is one quoted verdict or one Example cell, with where it stands.
type docQuote struct {
	doc      string
	line     int
	source   string // results file, "" before any marker
	verdict  bool   // a "> scenario — verdict" block; else a table's Example cell
	scenario []string
	text     string
}

func TestDocsQuoteRecordedRuns(t *testing.T) {
	reports := map[string]scenario.Report{}
	n := 0
	for _, doc := range quotedDocs {
		quotes, err := docQuotes(doc)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range quotes {
			n++
			if q.source == "" {
				t.Errorf("%s:%d quotes %s results with no `<!-- recorded: docs/runs/…/results.json -->` above it: %q", q.doc, q.line, strings.Join(q.scenario, ", "), q.text)
				continue
			}
			r, ok := reports[q.source]
			if !ok {
				// A marker may name several files: their runs together.
				for _, f := range strings.Fields(q.source) {
					one, err := ReadReport(filepath.Join(repoRoot, f))
					if err != nil {
						t.Fatalf("%s:%d: %v", q.doc, q.line, err)
					}
					r.Runs = append(r.Runs, one.Runs...)
				}
				reports[q.source] = r
			}
			if msg := checkQuote(q, r); msg != "" {
				t.Errorf("%s:%d: %s", q.doc, q.line, msg)
			}
		}
	}
	if n == 0 {
		t.Fatal("found no quoted results in the docs: has the quote format changed?")
	}
}

// checkQuote says what is wrong with q against the recorded report, or "".
func checkQuote(q docQuote, r scenario.Report) string {
	var runs []scenario.Run
	for _, name := range q.scenario {
		i := slices.IndexFunc(r.Runs, func(run scenario.Run) bool { return run.Scenario == name })
		if i < 0 {
			return "quotes " + name + ", which " + q.source + " did not record"
		}
		runs = append(runs, r.Runs[i])
	}
	if q.verdict {
		if !containsInOrder(squash(runs[0].Verdict()), q.text) {
			return "the quoted verdict is not the recorded one:\n  quoted:   " + q.text + "\n  recorded: " + runs[0].Verdict()
		}
		return ""
	}
	measured := map[string]bool{}
	for _, run := range runs {
		for _, tok := range numberToken.FindAllString(run.Verdict(), -1) {
			measured[tok] = true
		}
		for _, o := range run.Outcomes {
			for _, m := range o.Metrics {
				for _, s := range []string{shortValue(m), formatValue(m), kit.Number(m.Value), m.Label} {
					for _, tok := range numberToken.FindAllString(s, -1) {
						measured[tok] = true
					}
				}
			}
		}
	}
	var missing []string
	for _, tok := range numberToken.FindAllString(q.text, -1) {
		if !measured[tok] {
			missing = append(missing, tok)
		}
	}
	if len(missing) > 0 {
		return "the example " + q.text + " has numbers " + strings.Join(missing, ", ") + " that " + q.source + " did not measure for " + strings.Join(q.scenario, ", ")
	}
	return ""
}

// containsInOrder: quoted may leave parts out with "…"; each part must
// appear in s, in order.
func containsInOrder(s, quoted string) bool {
	for _, part := range strings.Split(quoted, "…") {
		part = strings.TrimSpace(part)
		i := strings.Index(s, part)
		if i < 0 {
			return false
		}
		s = s[i+len(part):]
	}
	return true
}

func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

// docQuotes finds the verdict quotes ("> name — …", wrapped over several
// lines) and the Example cells of evidence tables in doc.
func docQuotes(doc string) ([]docQuote, error) {
	b, err := os.ReadFile(filepath.Join(repoRoot, doc))
	if err != nil {
		return nil, err
	}
	names := scenario.Names()
	lines := strings.Split(string(b), "\n")
	var out []docQuote
	source, exampleCol := "", -1
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if m := recordedMarker.FindStringSubmatch(l); m != nil {
			source = m[1]
			continue
		}
		if name, rest, ok := verdictStart(l, names); ok {
			q := docQuote{doc: doc, line: i + 1, source: source, verdict: true, scenario: []string{name}}
			text := rest
			for i+1 < len(lines) && strings.HasPrefix(lines[i+1], "> ") {
				i++
				text += " " + strings.TrimPrefix(lines[i], "> ")
			}
			q.text = squash(text)
			out = append(out, q)
			continue
		}
		if !strings.HasPrefix(l, "|") {
			exampleCol = -1
			continue
		}
		cells := tableCells(l)
		if j := slices.Index(cells, "Example"); j >= 0 {
			exampleCol = j
			continue
		}
		if exampleCol < 0 || exampleCol >= len(cells) || !numberToken.MatchString(cells[exampleCol]) {
			continue
		}
		var scen []string
		for _, s := range strings.Split(cells[0], ",") {
			s = strings.TrimSpace(strings.Fields(s + " x")[0])
			if slices.Contains(names, s) {
				scen = append(scen, s)
			}
		}
		if len(scen) > 0 {
			out = append(out, docQuote{doc: doc, line: i + 1, source: source, scenario: scen, text: cells[exampleCol]})
		}
	}
	return out, nil
}

// verdictStart matches "> name — rest" for a scenario name.
func verdictStart(l string, names []string) (name, rest string, ok bool) {
	for _, n := range names {
		if r, found := strings.CutPrefix(l, "> "+n+" — "); found {
			return n, r, true
		}
	}
	return "", "", false
}

func tableCells(l string) []string {
	parts := strings.Split(strings.Trim(strings.TrimSpace(l), "|"), "|")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

// TestCheckQuoteCatchesNumbersNotRecorded: the docs check fails on a quote
// that is not the recorded verdict and on an example number the run did not
// measure (the "here 30 under 20 orders" kind of mistake).
func TestCheckQuoteCatchesNumbersNotRecorded(t *testing.T) {
	r := scenario.Report{Runs: []scenario.Run{{Scenario: "downstream-down", Outcomes: []scenario.Outcome{
		{Mode: "sync", Verdict: "sync: 0 of 20 orders placed while inventory was down (FAILED 20)",
			Metrics: []scenario.Metric{{Key: kit.CatchUp.Key, Label: "catch-up", Value: 120, Unit: "ms"}}},
	}}}}
	q := func(verdict bool, text string) docQuote {
		return docQuote{doc: "d", source: "r.json", verdict: verdict, scenario: []string{"downstream-down"}, text: text}
	}
	for _, tc := range []struct {
		q  docQuote
		ok bool
	}{
		{q(true, "sync: 0 of 20 orders placed … (FAILED 20)"), true},
		{q(true, "sync: 0 of 30 orders placed while inventory was down (FAILED 20)"), false},
		{q(true, "sync: (FAILED 20) … 0 of 20 orders placed"), false},
		{q(false, "0 of 20 placed, catch-up 120 ms"), true},
		{q(false, "0 of 30 placed"), false},
		{docQuote{source: "r.json", verdict: true, scenario: []string{"replay"}, text: "x"}, false},
	} {
		if msg := checkQuote(tc.q, r); (msg == "") != tc.ok {
			t.Errorf("checkQuote(%q) = %q, want ok=%v", tc.q.text, msg, tc.ok)
		}
	}
}
