package catalog

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// PreviewSVG draws the product's packaging as an SVG picture: the container in its shape
// (bottle, pump, jar, dropper or tube) and colour, with its cap, a label carrying the
// shopper's name (name; falls back to the product name's owner) and the product name.
// Every text is XML-escaped; long names shrink and wrap (at spaces and hyphens, inside a
// word only when a word cannot fit a line) so that any name of up to 24 characters appears
// whole on every shape; only longer ones are shortened with an ellipsis. The output depends only on p and name, so it can be cached by code.
func PreviewSVG(w io.Writer, p Product, name string) error {
	var b bytes.Buffer
	s := newSketch(&b, p)
	s.draw(cleanName(name))
	_, err := w.Write(b.Bytes())
	return err
}

type sketch struct {
	b          *bytes.Buffer
	p          Product
	id         string // suffix for element ids, so several previews can share a page
	base       string // body colour
	dark, lite string
	ink        string // text colour on the label
	labelBg    string
	serif      bool
}

func newSketch(b *bytes.Buffer, p Product) *sketch {
	id := "x"
	for _, r := range p.Code {
		if r < 128 && (r >= '0' && r <= '9' || r >= 'A' && r <= 'Z') {
			id += string(r)
		}
	}
	base := p.Packaging.Colour
	if !colourPattern.MatchString(base) {
		base = "#F3EEE8"
	}
	s := &sketch{b: b, p: p, id: id, base: base, dark: shade(base, -0.28), lite: shade(base, 0.35)}
	switch p.Packaging.LabelStyle {
	case "bold":
		s.labelBg, s.ink = "#1F1F22", "#FFFFFF"
	case "botanical":
		s.labelBg, s.ink, s.serif = "#F4F1E6", "#2F4A36", true
	default:
		s.labelBg, s.ink, s.serif = "#FBF8F3", "#2B2B2B", true
	}
	return s
}

func (s *sketch) f(format string, args ...any) { fmt.Fprintf(s.b, format, args...) }

// esc escapes text for XML character data and attribute values.
func esc(t string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(t))
	return b.String()
}

func (s *sketch) draw(name string) {
	pk := s.p.Packaging
	title := s.p.Name
	s.f(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 240 360" width="240" height="360" role="img" aria-label="%s">`, esc(title))
	s.f(`<title>%s</title>`, esc(title))
	s.f(`<defs><linearGradient id="body-%[1]s" x1="0" y1="0" x2="1" y2="0">`+
		`<stop offset="0" stop-color="%[2]s"/><stop offset="0.35" stop-color="%[3]s"/><stop offset="0.7" stop-color="%[4]s"/><stop offset="1" stop-color="%[2]s"/></linearGradient>`+
		`<linearGradient id="cap-%[1]s" x1="0" y1="0" x2="1" y2="0"><stop offset="0" stop-color="#2A2A2D"/><stop offset="0.4" stop-color="#6B6B70"/><stop offset="1" stop-color="#1C1C1E"/></linearGradient>`+
		`<linearGradient id="hl-%[1]s" x1="0" y1="0" x2="1" y2="0"><stop offset="0" stop-color="#FFFFFF" stop-opacity="0"/><stop offset="0.5" stop-color="#FFFFFF" stop-opacity="0.55"/><stop offset="1" stop-color="#FFFFFF" stop-opacity="0"/></linearGradient>`+
		`<radialGradient id="bg-%[1]s" cx="0.5" cy="0.35" r="0.8"><stop offset="0" stop-color="#FFFFFF"/><stop offset="1" stop-color="#EFE9E2"/></radialGradient></defs>`,
		s.id, s.dark, s.lite, s.base)
	s.f(`<rect width="240" height="360" fill="url(#bg-%s)"/>`, s.id)
	s.f(`<ellipse cx="120" cy="338" rx="78" ry="9" fill="#000000" opacity="0.12"/>`)
	// Body outline and label box per shape: x, y, width, height of the label panel.
	var lx, ly, lw, lh float64
	switch pk.Shape {
	case "jar":
		s.f(`<rect x="40" y="200" width="160" height="134" rx="18" fill="url(#body-%s)"/>`, s.id)
		s.f(`<rect x="34" y="168" width="172" height="38" rx="8" fill="url(#cap-%s)"/>`, s.id)
		s.f(`<rect x="34" y="168" width="172" height="6" rx="3" fill="#FFFFFF" opacity="0.18"/>`)
		s.f(`<rect x="52" y="212" width="14" height="110" rx="7" fill="url(#hl-%s)"/>`, s.id)
		lx, ly, lw, lh = 70, 224, 120, 92
	case "tube":
		s.f(`<path d="M70 40 L170 40 L166 52 L158 270 Q120 286 82 270 L74 52 Z" fill="url(#body-%s)"/>`, s.id)
		s.f(`<rect x="66" y="30" width="108" height="14" rx="2" fill="%s"/>`, s.dark)
		for x := 72; x < 172; x += 8 {
			s.f(`<line x1="%d" y1="32" x2="%d" y2="42" stroke="#FFFFFF" stroke-opacity="0.25"/>`, x, x)
		}
		s.f(`<rect x="92" y="276" width="56" height="58" rx="10" fill="url(#cap-%s)"/>`, s.id)
		s.f(`<rect x="86" y="60" width="12" height="196" rx="6" fill="url(#hl-%s)"/>`, s.id)
		lx, ly, lw, lh = 90, 96, 68, 140
	case "dropper":
		s.f(`<path d="M78 140 Q78 118 100 114 L140 114 Q162 118 162 140 L162 318 Q162 334 146 334 L94 334 Q78 334 78 318 Z" fill="url(#body-%s)"/>`, s.id)
		s.f(`<rect x="102" y="96" width="36" height="22" rx="3" fill="url(#cap-%s)"/>`, s.id)
		s.f(`<path d="M108 96 L108 62 Q108 40 120 40 Q132 40 132 62 L132 96 Z" fill="#2A2A2D"/>`)
		s.f(`<path d="M112 92 L112 64 Q112 50 118 46" stroke="#FFFFFF" stroke-opacity="0.3" stroke-width="3" fill="none"/>`)
		s.f(`<rect x="88" y="150" width="10" height="160" rx="5" fill="url(#hl-%s)"/>`, s.id)
		lx, ly, lw, lh = 92, 178, 60, 120
	default: // bottle and pump share the body
		s.f(`<path d="M62 128 Q62 100 96 96 L144 96 Q178 100 178 128 L178 316 Q178 334 160 334 L80 334 Q62 334 62 316 Z" fill="url(#body-%s)"/>`, s.id)
		s.f(`<rect x="100" y="80" width="40" height="18" fill="%s"/>`, s.dark)
		if pk.Shape == "pump" || pk.Cap == "pump" {
			s.f(`<rect x="96" y="64" width="48" height="20" rx="4" fill="url(#cap-%s)"/>`, s.id)
			s.f(`<rect x="114" y="40" width="12" height="26" fill="#4A4A4E"/>`)
			s.f(`<path d="M100 28 L150 28 Q160 28 168 34 L168 40 L100 40 Z" fill="url(#cap-%s)"/>`, s.id)
		} else if pk.Cap == "flip" {
			s.f(`<rect x="94" y="56" width="52" height="28" rx="6" fill="url(#cap-%s)"/>`, s.id)
			s.f(`<rect x="94" y="56" width="52" height="7" rx="3" fill="#FFFFFF" opacity="0.2"/>`)
		} else {
			s.f(`<rect x="96" y="52" width="48" height="32" rx="4" fill="url(#cap-%s)"/>`, s.id)
			for x := 100; x < 144; x += 6 {
				s.f(`<line x1="%d" y1="55" x2="%d" y2="81" stroke="#FFFFFF" stroke-opacity="0.12"/>`, x, x)
			}
		}
		s.f(`<rect x="72" y="122" width="12" height="196" rx="6" fill="url(#hl-%s)"/>`, s.id)
		lx, ly, lw, lh = 84, 150, 86, 150
	}
	if !pk.Opaque {
		s.f(`<rect x="%g" y="%g" width="%g" height="%g" fill="#FFFFFF" opacity="0.08"/>`, lx-10, ly+lh-10, lw+20, 10.0)
	}
	s.label(name, lx, ly, lw, lh)
	s.f(`</svg>`)
}

// label draws the label panel with the name, the product name and the size.
func (s *sketch) label(name string, x, y, w, h float64) {
	s.f(`<rect x="%g" y="%g" width="%g" height="%g" rx="4" fill="%s" stroke="%s" stroke-opacity="0.25"/>`, x, y, w, h, s.labelBg, s.ink)
	font := `font-family="Helvetica, Arial, sans-serif"`
	if s.serif {
		font = `font-family="Georgia, 'Times New Roman', serif"`
	}
	cx := x + w/2
	inner := w - 10
	if s.p.Packaging.LabelStyle == "botanical" {
		s.f(`<path d="M%g %g q8 -12 16 0 q-8 12 -16 0 Z" fill="%s" opacity="0.6"/>`, cx-8, y+12, s.ink)
	}
	sub := s.p.LineLabel
	if sub == "" {
		sub = s.p.Line
	}
	if name == "" {
		name = "Atelier"
	}
	// From the top: 24 units of margin, the name, a rule 6 below it, the product name, and
	// the footer whose text starts about 15 above the bottom edge. The product name is fitted
	// first; the name gets the height left, so the whole of any name the quiz accepts fits.
	product := strings.TrimSpace(strings.TrimPrefix(s.p.Name, name+"'s"))
	plines, psize := fitText(product, inner, 3*12, 10, 6, 3, false)
	pheight := float64(len(plines)) * (psize + 2)
	lines, size := fitText(name, inner, h-24-6-pheight-18, 22, 6, 4, true)
	yy := y + 24
	for _, ln := range lines {
		yy += size
		s.f(`<text x="%g" y="%g" text-anchor="middle" %s font-size="%g" font-weight="700" fill="%s">%s</text>`, cx, yy, font, size, s.ink, esc(ln))
	}
	yy += 6
	s.f(`<line x1="%g" y1="%g" x2="%g" y2="%g" stroke="%s" stroke-opacity="0.5"/>`, x+12, yy, x+w-12, yy, s.ink)
	for _, ln := range plines {
		yy += psize + 2
		s.f(`<text x="%g" y="%g" text-anchor="middle" %s font-size="%g" fill="%s">%s</text>`, cx, yy, font, psize, s.ink, esc(ln))
	}
	if s.p.Packaging.SizeML > 0 {
		foot := strings.ToUpper(sub) + " · " + strconv.Itoa(s.p.Packaging.SizeML) + " ML"
		// Spaced capitals run wider than the 0.6 em estimate: allow for the 1-unit spacing.
		n, fs := float64(utf8.RuneCountInString(foot)), 7.0
		for fs > 4 && n*(0.66*fs+1) > inner {
			fs -= 0.5
		}
		s.f(`<text x="%g" y="%g" text-anchor="middle" %s font-size="%g" letter-spacing="1" fill="%s">%s</text>`,
			cx, y+h-8, font, fs, s.ink, esc(foot))
	}
}

// shade lightens (f > 0) or darkens (f < 0) a #RRGGBB colour.
func shade(hex string, f float64) string {
	v, err := strconv.ParseUint(hex[1:], 16, 32)
	if err != nil {
		return hex
	}
	c := []float64{float64(v >> 16 & 255), float64(v >> 8 & 255), float64(v & 255)}
	for i := range c {
		if f > 0 {
			c[i] += (255 - c[i]) * f
		} else {
			c[i] *= 1 + f
		}
	}
	return fmt.Sprintf("#%02X%02X%02X", int(c[0]+0.5), int(c[1]+0.5), int(c[2]+0.5))
}
