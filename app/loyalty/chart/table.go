package chart

import (
	"encoding/csv"
	"io"
	"strings"
)

// Table is a chart's numbers as text: a header and rows of cells.
type Table struct {
	Header []string
	Rows   [][]string
}

// EscapeCell defuses spreadsheet formulas: a cell starting with =, +, -, @, a tab or a
// carriage return gets a leading single quote, so a spreadsheet shows it as text instead of
// evaluating it (OWASP "CSV injection").
func EscapeCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// WriteCSV writes t as RFC 4180 CSV with every cell escaped by EscapeCell.
func WriteCSV(w io.Writer, t Table) error {
	cw := csv.NewWriter(w)
	write := func(cells []string) error {
		out := make([]string, len(cells))
		for i, c := range cells {
			out[i] = EscapeCell(c)
		}
		return cw.Write(out)
	}
	if err := write(t.Header); err != nil {
		return err
	}
	for _, r := range t.Rows {
		if err := write(r); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// CSV returns t as CSV text.
func (t Table) CSV() string {
	var b strings.Builder
	_ = WriteCSV(&b, t)
	return b.String()
}
