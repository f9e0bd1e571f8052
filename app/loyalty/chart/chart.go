// Package chart draws the dashboard's small charts as server-side SVG (bars, grouped bars,
// stacked bars and lines, with axes and labels, and from×to heat-maps) and gives each chart's numbers as a table and
// as CSV safe to open in a spreadsheet. It is pure: data in, markup or text out.
package chart

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// Kind is how a chart draws its series.
type Kind string

// Chart kinds.
const (
	Bars    Kind = "bars"    // one bar per label and series, side by side
	Stacked Kind = "stacked" // one bar per label, the series stacked
	Lines   Kind = "lines"   // one line per series
	Matrix  Kind = "matrix"  // a heat-map: one row per label, one column per series (see matrix.go)
)

// Series is one named row of values, one per label.
type Series struct {
	Name   string
	Values []float64
}

// Chart is one chart's data and how to draw it.
type Chart struct {
	// ID names the chart in URLs ("/staff/dashboard/{ID}.csv") and element ids.
	ID    string
	Title string
	// Summary says in words what the chart shows (the SVG's <desc>).
	Summary string
	Kind    Kind
	// XName heads the label column of the table, e.g. "Month".
	XName  string
	Labels []string
	Series []Series
	// Decimals is how many decimals the table and axis show.
	Decimals int
}

// Palette colours the series in order (contrast ≥ 3:1 on white).
var Palette = []string{"#7a4b8c", "#2f7d6d", "#c0632b", "#3a6ea5", "#a3384f", "#6b6b2a", "#555555"}

const (
	width, height         = 640, 260
	left, right, top, bot = 52, 12, 14, 54
	plotW, plotH          = width - left - right, height - top - bot
	legendRow             = 16
)

// Number formats v with the chart's decimals.
func (c *Chart) Number(v float64) string { return strconv.FormatFloat(v, 'f', c.Decimals, 64) }

// Empty reports whether there is nothing to draw.
func (c *Chart) Empty() bool { return len(c.Labels) == 0 || len(c.Series) == 0 }

// SVG renders the chart: role="img" with a <title> and <desc>, axes, gridlines, labels and a
// legend when there are several series. Follow it with the Table for screen readers.
func (c *Chart) SVG() template.HTML {
	if c.Kind == Matrix && !c.Empty() {
		return c.matrixSVG()
	}
	var b strings.Builder
	legendH := 0
	if len(c.Series) > 1 {
		legendH = legendRow * ((len(c.Series) + 3) / 4)
	}
	c.open(&b, height+legendH)
	if c.Empty() {
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" class="chart-empty">No data yet</text></svg>`, width/2, height/2)
		return template.HTML(b.String())
	}
	top := c.maxValue()
	step := niceStep(top / 4)
	ymax := step * math.Ceil(top/step)
	if ymax <= 0 {
		ymax, step = 1, 0.25
	}
	y := func(v float64) float64 { return float64(top0) + float64(plotH)*(1-v/ymax) }
	// gridlines and y labels
	for v := 0.0; v <= ymax+step/2; v += step {
		fmt.Fprintf(&b, `<line class="chart-grid" x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#ddd"/>`, left, left+plotW, y(v), y(v))
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end" font-size="11" fill="#444">%s</text>`, left-6, y(v)+4, esc(axisNumber(v)))
	}
	n := len(c.Labels)
	slot := float64(plotW) / float64(n)
	every := max(1, int(math.Ceil(float64(n)*34/float64(plotW)))) // keep x labels from overlapping
	for i, l := range c.Labels {
		if i%every != 0 {
			continue
		}
		x := float64(left) + slot*(float64(i)+0.5)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="end" font-size="11" fill="#444" transform="rotate(-35 %.1f %d)">%s</text>`,
			x, top0+plotH+14, x, top0+plotH+14, esc(shorten(l, 16)))
	}
	switch c.Kind {
	case Lines:
		c.lines(&b, slot, y)
	case Stacked:
		c.stacked(&b, slot, y)
	default:
		c.bars(&b, slot, y)
	}
	fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="#444"/>`, left, left+plotW, top0+plotH, top0+plotH)
	fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="#444"/>`, left, left, top0, top0+plotH)
	if len(c.Series) > 1 {
		for i, s := range c.Series {
			lx := left + (i%4)*(plotW/4)
			ly := height + (i/4)*legendRow - 4
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="10" height="10" fill="%s"/><text x="%d" y="%d" font-size="11" fill="#222">%s</text>`,
				lx, ly-9, color(i), lx+14, ly, esc(shorten(s.Name, 22)))
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

const top0 = top

// open starts the SVG element of height h with its accessible <title> and <desc>.
func (c *Chart) open(b *strings.Builder, h int) {
	id := esc(c.ID)
	fmt.Fprintf(b, `<svg class="chart" role="img" viewBox="0 0 %d %d" aria-labelledby="chart-%s-title chart-%s-desc" xmlns="http://www.w3.org/2000/svg">`, width, h, id, id)
	fmt.Fprintf(b, `<title id="chart-%s-title">%s</title><desc id="chart-%s-desc">%s</desc>`, id, esc(c.Title), id, esc(c.Summary))
}

func (c *Chart) bars(b *strings.Builder, slot float64, y func(float64) float64) {
	k := float64(len(c.Series))
	bw := slot * 0.8 / k
	for si, s := range c.Series {
		for i := range c.Labels {
			v := value(s.Values, i)
			x := float64(left) + slot*float64(i) + slot*0.1 + bw*float64(si)
			fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s</title></rect>`,
				x, y(v), max(bw-1, 1), y(0)-y(v), color(si), esc(c.tip(s.Name, c.Labels[i], v)))
		}
	}
}

func (c *Chart) stacked(b *strings.Builder, slot float64, y func(float64) float64) {
	bw := slot * 0.7
	for i := range c.Labels {
		base := 0.0
		for si, s := range c.Series {
			v := value(s.Values, i)
			if v <= 0 {
				continue
			}
			x := float64(left) + slot*float64(i) + slot*0.15
			fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s</title></rect>`,
				x, y(base+v), bw, y(base)-y(base+v), color(si), esc(c.tip(s.Name, c.Labels[i], v)))
			base += v
		}
	}
}

func (c *Chart) lines(b *strings.Builder, slot float64, y func(float64) float64) {
	for si, s := range c.Series {
		var pts []string
		for i := range c.Labels {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", float64(left)+slot*(float64(i)+0.5), y(value(s.Values, i))))
		}
		fmt.Fprintf(b, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>`, color(si), strings.Join(pts, " "))
		for i := range c.Labels {
			v := value(s.Values, i)
			fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"><title>%s</title></circle>`,
				float64(left)+slot*(float64(i)+0.5), y(v), color(si), esc(c.tip(s.Name, c.Labels[i], v)))
		}
	}
}

func (c *Chart) tip(series, label string, v float64) string {
	return fmt.Sprintf("%s, %s: %s", label, series, c.Number(v))
}

func (c *Chart) maxValue() float64 {
	m := 0.0
	for i := range c.Labels {
		total := 0.0
		for _, s := range c.Series {
			v := value(s.Values, i)
			if c.Kind == Stacked {
				total += max(v, 0)
			} else {
				m = max(m, v)
			}
		}
		m = max(m, total)
	}
	return m
}

// Table returns the chart's numbers: the label column, then one column per series. A Matrix
// adds a Total column (each row's sum) and a Total row (each column's sum).
func (c *Chart) Table() Table {
	if c.Kind == Matrix {
		return c.matrixTable()
	}
	t := Table{Header: append([]string{c.XName}, names(c.Series)...)}
	for i, l := range c.Labels {
		row := []string{l}
		for _, s := range c.Series {
			row = append(row, c.Number(value(s.Values, i)))
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

func names(ss []Series) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.Name
	}
	return out
}

func value(vs []float64, i int) float64 {
	if i < len(vs) && !math.IsNaN(vs[i]) && !math.IsInf(vs[i], 0) {
		return vs[i]
	}
	return 0
}

func color(i int) string { return Palette[i%len(Palette)] }

func esc(s string) string { return template.HTMLEscapeString(s) }

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// niceStep rounds x up to 1, 2 or 5 × 10^k.
func niceStep(x float64) float64 {
	if x <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= x {
			return m * p
		}
	}
	return 10 * p
}

func axisNumber(v float64) string {
	switch {
	case v >= 1e6:
		return strconv.FormatFloat(v/1e6, 'f', -1, 64) + "M"
	case v >= 1e4:
		return strconv.FormatFloat(v/1e3, 'f', -1, 64) + "k"
	}
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}
