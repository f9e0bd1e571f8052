package chart_test

import (
	"encoding/xml"
	"strings"
	"testing"

	"atelier/app/loyalty/chart"
)

func TestEscapeCell(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"plain", "plain"},
		{"=HYPERLINK(\"http://evil\")", "'=HYPERLINK(\"http://evil\")"},
		{"+1+1", "'+1+1"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1:A9)", "'@SUM(A1:A9)"},
		{"\tcmd", "'\tcmd"},
		{"\rcmd", "'\rcmd"},
		{"a=b", "a=b"},
		{"12.5", "12.5"},
		{"'already", "'already"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := chart.EscapeCell(tt.in); got != tt.want {
				t.Errorf("EscapeCell(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestWriteCSVEscapesEveryCell(t *testing.T) {
	tb := chart.Table{Header: []string{"Line", "=cmd"}, Rows: [][]string{{"@evil", "3"}, {"serum, \"rich\"", "-1"}}}
	got := tb.CSV()
	want := "Line,'=cmd\n'@evil,3\n\"serum, \"\"rich\"\"\",'-1\n"
	if got != want {
		t.Errorf("CSV =\n%q\nwant\n%q", got, want)
	}
}

func TestSVGIsAccessibleWellFormedXML(t *testing.T) {
	for _, kind := range []chart.Kind{chart.Bars, chart.Stacked, chart.Lines} {
		t.Run(string(kind), func(t *testing.T) {
			c := chart.Chart{ID: "rev", Title: "Revenue <per> month", Summary: "Paid orders & more", Kind: kind, XName: "Month",
				Labels: []string{"2026-01", "2026-02", "2026-03"},
				Series: []chart.Series{{Name: "a", Values: []float64{1, 2.5, 0}}, {Name: "b<", Values: []float64{3, 1}}}}
			svg := string(c.SVG())
			for _, want := range []string{`role="img"`, `<title id="chart-rev-title">Revenue &lt;per&gt; month</title>`, `aria-labelledby="chart-rev-title chart-rev-desc"`} {
				if !strings.Contains(svg, want) {
					t.Errorf("SVG lacks %s", want)
				}
			}
			d := xml.NewDecoder(strings.NewReader(svg))
			for {
				if _, err := d.Token(); err != nil {
					if err.Error() != "EOF" {
						t.Fatalf("SVG is not well-formed: %v\n%s", err, svg)
					}
					break
				}
			}
			tb := c.Table()
			if len(tb.Rows) != 3 || tb.Rows[2][2] != "0" || tb.Header[2] != "b<" {
				t.Errorf("table = %+v", tb)
			}
		})
	}
}

func TestMatrixIsAHeatMapWithTotals(t *testing.T) {
	c := chart.Chart{ID: "movement", Title: "Moves <all>", Summary: "From & to", Kind: chart.Matrix, XName: "From ↓ / to →",
		Labels: []string{"Steady", "=cmd()", "Not scored before"},
		Series: []chart.Series{{Name: "Steady", Values: []float64{5, 0, 2}}, {Name: "=cmd()", Values: []float64{1, 3, 0}}}}
	svg := string(c.SVG())
	d := xml.NewDecoder(strings.NewReader(svg))
	for {
		if _, err := d.Token(); err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("SVG is not well-formed: %v\n%s", err, svg)
			}
			break
		}
	}
	for _, want := range []string{`role="img"`, `<title id="chart-movement-title">Moves &lt;all&gt;</title>`, `<desc id="chart-movement-desc">From &amp; to</desc>`,
		`<title>Steady → =cmd(): 1</title>`, `<title>Not scored before → Steady: 2</title>`} {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG lacks %s", want)
		}
	}
	if n := strings.Count(svg, "<rect ") - strings.Count(svg, "stroke-dasharray"); n != 6 {
		t.Errorf("%d cells, want 6", n)
	}
	if n := strings.Count(svg, "stroke-dasharray"); n != 2 { // Steady→Steady and =cmd()→=cmd(): stayed
		t.Errorf("%d outlined cells, want the 2 on the diagonal", n)
	}
	tb := c.Table()
	want := "From ↓ / to →,Steady,'=cmd(),Total\nSteady,5,1,6\n'=cmd(),0,3,3\nNot scored before,2,0,2\nTotal,7,4,11\n"
	if got := tb.CSV(); got != want {
		t.Errorf("CSV =\n%q\nwant\n%q", got, want)
	}
}

func TestEmptyChart(t *testing.T) {
	c := chart.Chart{ID: "x", Title: "Nothing"}
	if !strings.Contains(string(c.SVG()), "No data yet") {
		t.Error("empty chart does not say so")
	}
}

func BenchmarkSVG(b *testing.B) {
	c := chart.Chart{ID: "m", Title: "t", Kind: chart.Stacked}
	for i := 0; i < 12; i++ {
		c.Labels = append(c.Labels, "2026-01")
	}
	for s := 0; s < 6; s++ {
		c.Series = append(c.Series, chart.Series{Name: "s", Values: []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}})
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = c.SVG()
	}
}
