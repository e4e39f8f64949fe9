package comparereport

import (
	"bytes"
	"encoding/xml"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/orderflow/flowctl/internal/scenario"
)

func renderHTML(t *testing.T, r scenario.Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := CompareHTML(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// element is a parsed XML element: enough of a DOM for the tests.
type element struct {
	Name  string
	Attr  map[string]string
	Text  string
	Kids  []*element
	Outer *element
}

// parseXML parses s strictly as XML: the report is meant to be well-formed,
// so that any HTML or SVG tool can read it.
func parseXML(t *testing.T, s string) *element {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(s))
	root := &element{Name: "#document"}
	cur := root
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			e := &element{Name: tok.Name.Local, Attr: map[string]string{}, Outer: cur}
			for _, a := range tok.Attr {
				e.Attr[a.Name.Local] = a.Value
			}
			cur.Kids = append(cur.Kids, e)
			cur = e
		case xml.EndElement:
			cur = cur.Outer
		case xml.CharData:
			for e := cur; e != nil; e = e.Outer {
				e.Text += string(tok)
			}
		}
	}
	return root
}

// all are the elements below e (e included) for which ok holds.
func (e *element) all(ok func(*element) bool) []*element {
	var out []*element
	if ok(e) {
		out = append(out, e)
	}
	for _, k := range e.Kids {
		out = append(out, k.all(ok)...)
	}
	return out
}

func named(name string) func(*element) bool {
	return func(e *element) bool { return e.Name == name }
}

// svgs are the report's charts by their title.
func svgs(t *testing.T, doc *element) map[string]*element {
	t.Helper()
	out := map[string]*element{}
	for _, s := range doc.all(named("svg")) {
		titles := s.all(named("title"))
		if len(titles) == 0 {
			t.Errorf("an svg without a title")
			continue
		}
		out[titles[0].Text] = s
	}
	return out
}

// marks are the classes of a chart's data paths and bars (the legend's
// swatches have the class "swatch").
func marks(svg *element) (paths, rects []string) {
	for _, e := range svg.all(func(e *element) bool { return e.Attr["class"] != "" && e.Attr["class"] != "swatch" }) {
		switch e.Name {
		case "path":
			paths = append(paths, e.Attr["class"])
		case "rect":
			rects = append(rects, e.Attr["class"])
		}
	}
	return paths, rects
}

func TestCompareHTML(t *testing.T) {
	r := loadFixture(t)
	out := renderHTML(t, r)
	if strings.Count(out, "<svg") != strings.Count(out, "</svg>") {
		t.Errorf("%d <svg> but %d </svg>", strings.Count(out, "<svg"), strings.Count(out, "</svg>"))
	}
	for _, bad := range []string{"<script", "<link", "src=", "http://", "https://", "@import", "url(", "NaN", "Inf"} {
		if strings.Contains(out, bad) {
			t.Errorf("report.html contains %q: it should need nothing from elsewhere and show no NaN", bad)
		}
	}
	doc := parseXML(t, out)
	ids := map[string]*element{}
	for _, e := range doc.all(func(e *element) bool { return e.Attr["id"] != "" }) {
		ids[e.Attr["id"]] = e
	}
	charts := svgs(t, doc)
	verdicts := doc.all(func(e *element) bool { return e.Attr["class"] == "verdict" })
	next, failing := 0, 0
	// The fixture is an old recording: its downstream-down sync counted
	// FAILED orders as consistent, and the report leaves that out.
	for _, run := range confirmedOnly(r).Runs {
		if ids[run.Scenario] == nil {
			t.Errorf("no element with id %s", run.Scenario)
		}
		// Parsed, the verdict reads as recorded: the "<" and "&" of the
		// fixture came out as entities, not as markup.
		for _, o := range run.Outcomes {
			if next >= len(verdicts) || verdicts[next].Text != o.Verdict {
				t.Errorf("verdict of %s in %s is not shown as recorded", run.Scenario, o.Mode)
			}
			next++
		}
		for _, kind := range []struct {
			title   string
			samples func(scenario.Outcome) []float64
		}{{"Placement latency", func(o scenario.Outcome) []float64 { return o.Placement }},
			{"Time to consistency", func(o scenario.Outcome) []float64 { return o.TimeToFinal }}} {
			var want []string
			for _, o := range run.Outcomes {
				if len(kind.samples(o)) > 0 {
					want = append(want, o.Mode)
				}
			}
			svg := charts[run.Scenario+": "+kind.title]
			if len(want) == 0 {
				if svg != nil {
					t.Errorf("%s: a %s chart without samples", run.Scenario, kind.title)
				}
				continue
			}
			if svg == nil {
				t.Errorf("%s: no %s chart", run.Scenario, kind.title)
				continue
			}
			if paths, _ := marks(svg); !slices.Equal(paths, want) {
				t.Errorf("%s %s: lines %v, want one per mode with samples %v", run.Scenario, kind.title, paths, want)
			}
		}
		for _, o := range run.Outcomes {
			if !o.Holds {
				failing++
			}
		}
	}
	for _, v := range r.Runs {
		if strings.ContainsAny(v.Verdict(), "<&") && strings.Contains(out, v.Verdict()) {
			t.Errorf("verdict %q is in the HTML unescaped", v.Verdict())
		}
	}
	if got := len(doc.all(func(e *element) bool { return e.Attr["class"] == "holds fail" })); got != 2*failing {
		// Each outcome's mark is in the summary and in its section.
		t.Errorf("%d marks of a claim that does not hold, want %d", got, 2*failing)
	}

	bars := charts["Orders confirmed, by scenario"]
	if bars == nil {
		t.Fatal("no success rate chart")
	}
	_, rects := marks(bars)
	want := 0
	for _, run := range r.Runs {
		for _, o := range run.Outcomes {
			if _, ok := o.Metric("success_pct"); ok {
				want++
			}
		}
	}
	if len(rects) != want || !slices.Contains(rects, "sync") || !slices.Contains(rects, "events") {
		t.Errorf("success bars %v, want %d over both modes", rects, want)
	}
}
