package chart

import (
	"fmt"
	"html/template"
	"strings"
)

// Matrix layout: row labels on the left, column labels (up to two lines) on top.
const (
	matrixLeft  = 150
	matrixTop   = 44
	matrixCellH = 30
)

// matrixSVG draws a Matrix chart as a heat-map: cell (i, j) holds Series[j].Values[i], shaded
// by its share of the largest cell and labelled with its number. A cell whose row and column
// have the same name (a customer who stayed where they were) is outlined, so the diagonal
// reads at a glance. Text colours are set inline: the stylesheet's fill for chart text would
// otherwise leave a dark number on a dark cell.
func (c *Chart) matrixSVG() template.HTML {
	var b strings.Builder
	rows, cols := len(c.Labels), len(c.Series)
	cellW := float64(width-matrixLeft-right) / float64(cols)
	c.open(&b, matrixTop+rows*matrixCellH+8)
	top := c.maxValue()
	// the corner names the axes, as the table's first header cell does
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" style="font-size:11px;fill:#444">%s</text>`,
		matrixLeft-8, matrixTop-8, esc(shorten(c.XName, 24)))
	perLine := max(6, int(cellW/6.5))
	for j, s := range c.Series {
		x := float64(matrixLeft) + cellW*(float64(j)+0.5)
		lines := wrap(s.Name, perLine, 2)
		for k, l := range lines {
			y := matrixTop - 8 - 13*(len(lines)-1-k)
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle" style="font-size:11px;fill:#222">%s</text>`, x, y, esc(l))
		}
	}
	for i, l := range c.Labels {
		y := matrixTop + i*matrixCellH
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" style="font-size:11px;fill:#222">%s</text>`,
			matrixLeft-8, y+matrixCellH/2+4, esc(shorten(l, 24)))
		for j, s := range c.Series {
			v := value(s.Values, i)
			x := float64(matrixLeft) + cellW*float64(j)
			fill, opacity, ink := "#f7f6f7", 1.0, "#666"
			if v > 0 && top > 0 {
				fill, opacity = Palette[0], 0.12+0.88*v/top
				if opacity > 0.7 {
					ink = "#fff"
				} else {
					ink = "#222"
				}
			}
			fmt.Fprintf(&b, `<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s" fill-opacity="%.2f" stroke="#fff" stroke-width="2"><title>%s</title></rect>`,
				x, y, cellW, matrixCellH, fill, opacity, esc(fmt.Sprintf("%s → %s: %s", l, s.Name, c.Number(v))))
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle" style="font-size:12px;font-weight:600;fill:%s">%s</text>`,
				x+cellW/2, y+matrixCellH/2+4, ink, esc(c.Number(v)))
		}
	}
	// outlines last, so no neighbouring cell's white border paints over them
	for i, l := range c.Labels {
		for j, s := range c.Series {
			if l == s.Name {
				fmt.Fprintf(&b, `<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="none" stroke="#222" stroke-width="2" stroke-dasharray="4 2"/>`,
					float64(matrixLeft)+cellW*float64(j)+1, matrixTop+i*matrixCellH+1, cellW-2, matrixCellH-2)
			}
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// matrixTable is the matrix with a Total column (each row's sum) and a Total row (each
// column's sum).
func (c *Chart) matrixTable() Table {
	t := Table{Header: append(append([]string{c.XName}, names(c.Series)...), "Total")}
	colSum := make([]float64, len(c.Series))
	all := 0.0
	for i, l := range c.Labels {
		row := []string{l}
		sum := 0.0
		for j, s := range c.Series {
			v := value(s.Values, i)
			row = append(row, c.Number(v))
			sum += v
			colSum[j] += v
		}
		all += sum
		t.Rows = append(t.Rows, append(row, c.Number(sum)))
	}
	total := []string{"Total"}
	for _, v := range colSum {
		total = append(total, c.Number(v))
	}
	t.Rows = append(t.Rows, append(total, c.Number(all)))
	return t
}

// wrap breaks s at spaces into at most n lines of about per runes; the last line is
// shortened with an ellipsis if the text does not fit.
func wrap(s string, per, n int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		switch {
		case line == "":
			line = w
		case len([]rune(line))+1+len([]rune(w)) <= per:
			line += " " + w
		default:
			lines = append(lines, line)
			line = w
		}
	}
	lines = append(lines, line)
	if len(lines) > n {
		lines = append(lines[:n-1], strings.Join(lines[n-1:], " "))
	}
	for i := range lines {
		lines[i] = shorten(lines[i], per)
	}
	return lines
}
