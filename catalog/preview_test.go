package catalog

import (
	"bytes"
	"html"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFitText(t *testing.T) {
	tests := []struct {
		text      string
		width     float64
		wantLines int
		ellipsis  bool
	}{
		{"Jo", 76, 1, false},
		{"Maximiliana Alexandrina", 76, 2, false},
		{"Alexandra Fontaine-Roy", 50, 3, false},                                     // breaks after the hyphen
		{strings.Repeat("W", 24), 50, 4, false},                                      // a long word is broken inside
		{"Maximiliana Alexandrina Wilhelmina Hohenzollern Sigmaringen", 50, 4, true}, // beyond what the quiz accepts
		{strings.Repeat("W", 60), 76, 4, true},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			lines, size := fitText(tt.text, tt.width, 60, 22, 6, 4, true)
			if len(lines) != tt.wantLines {
				t.Fatalf("lines %q at %v", lines, size)
			}
			for _, l := range lines {
				if textWidth(l, size) > tt.width {
					t.Fatalf("line %q at %v is %.1f wide, more than %v", l, size, textWidth(l, size), tt.width)
				}
			}
			if got := strings.HasSuffix(lines[len(lines)-1], "…"); got != tt.ellipsis {
				t.Fatalf("ellipsis %v in %q", got, lines)
			}
		})
	}
}

var (
	labelRect = regexp.MustCompile(`<rect x="([0-9.]+)" y="([0-9.]+)" width="([0-9.]+)" height="([0-9.]+)" rx="4" fill="[^"]+" stroke="[^"]+" stroke-opacity="0.25"/>`)
	nameText  = regexp.MustCompile(`<text x="[0-9.]+" y="([0-9.]+)" text-anchor="middle" [^>]*font-size="([0-9.]+)" font-weight="700"[^>]*>([^<]*)</text>`)
	anyText   = regexp.MustCompile(`<text x="[0-9.]+" y="([0-9.]+)"[^>]*font-size="([0-9.]+)"[^>]*>([^<]*)</text>`)
)

func atof(tb testing.TB, s string) float64 {
	tb.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

// TestPreviewNamesFit draws every shape and label style with names as long as the quiz
// accepts (24 characters), wide letters included, on every line's product, and checks on the
// SVG itself that the whole name is printed, inside the label's real width, above the rest.
func TestPreviewNamesFit(t *testing.T) {
	names := []string{
		"Alexandra Fontaine-Roy",
		"Anne-Marie Woodsworth-Wu",
		"Maximilian Wolfgang Ward",
		strings.Repeat("W", 24),
		strings.Repeat("M", 24),
		strings.Repeat("@", 24),
		strings.Repeat("m", 24),
		"WWWWWWWWWWW WWWWWWWWWWWW",
		strings.Repeat("Ŵ", 24),
	}
	c := mustDefault(t)
	for _, name := range names {
		if n := utf8.RuneCountInString(name); n > 24 {
			t.Fatalf("%q has %d characters; the quiz accepts 24", name, n)
		}
		for _, l := range c.lines {
			p, err := l.Best(Profile{Name: name})
			if err != nil {
				t.Fatal(err)
			}
			for _, shape := range []string{"bottle", "pump", "jar", "dropper", "tube"} {
				for _, style := range []string{"classic", "botanical", "bold"} {
					p.Packaging.Shape, p.Packaging.LabelStyle = shape, style
					var b bytes.Buffer
					if err := PreviewSVG(&b, p, name); err != nil {
						t.Fatal(err)
					}
					checkLabel(t, b.String(), name, l.id+"/"+shape+"/"+style)
				}
			}
		}
	}
}

func checkLabel(t *testing.T, svg, name, where string) {
	t.Helper()
	m := labelRect.FindStringSubmatch(svg)
	if m == nil {
		t.Fatalf("%s: no label", where)
	}
	y, w, h := atof(t, m[2]), atof(t, m[3]), atof(t, m[4])
	var printed []string
	lastName := 0.0
	for _, nm := range nameText.FindAllStringSubmatch(svg, -1) {
		line, size := html.UnescapeString(nm[3]), atof(t, nm[2])
		printed = append(printed, line)
		if size < 6 {
			t.Errorf("%s: %q printed at %v pt", where, name, size)
		}
		if tw := textWidth(line, size); tw > w-10 {
			t.Errorf("%s: line %q at %v pt is %.1f wide on a label %v wide", where, line, size, tw, w)
		}
		lastName = atof(t, nm[1])
	}
	if got, want := strings.ReplaceAll(strings.Join(printed, ""), " ", ""), strings.ReplaceAll(name, " ", ""); got != want {
		t.Errorf("%s: label reads %q, want all of %q", where, printed, name)
	}
	// Every text sits inside the label, in order, and nothing runs into the footer.
	texts := anyText.FindAllStringSubmatch(svg, -1)
	prev := y
	for i, tx := range texts {
		base, size := atof(t, tx[1]), atof(t, tx[2])
		if base-size < prev-0.01 && i > 0 || base > y+h {
			t.Errorf("%s: %q (baseline %v, %v pt) overlaps the text above (ends %v) or leaves the label", where, tx[3], base, size, prev)
		}
		prev = base
	}
	if lastName == 0 {
		t.Errorf("%s: no name printed", where)
	}
}
