package catalog

import (
	"strings"
	"unicode"
)

// boldWidths are the advance widths of printable ASCII (from the space, 0x20) in Helvetica
// Bold, in thousandths of an em. Label text is drawn in Georgia or Helvetica, bold for the
// name; Georgia Bold runs up to about a tenth wider, hence serifWiden.
var boldWidths = [95]int{
	278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, // space … /
	556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, // 0 … ?
	975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, // @ … O
	667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, // P … _
	333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, // ` … o
	611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, // p … ~
}

const serifWiden = 1.12

// textWidth estimates the width of t at font size size, erring wide: ASCII from the table,
// anything else (accented, CJK, emoji) as a full em.
func textWidth(t string, size float64) float64 {
	em := 0
	for _, r := range t {
		if r >= ' ' && r <= '~' {
			em += boldWidths[r-' ']
		} else {
			em += 1000
		}
	}
	return float64(em) / 1000 * serifWiden * size
}

// fitText picks the largest font size in [minSize, maxSize], by half points, at which text
// fits width on at most maxLines lines whose sizes add up to no more than height. It wraps at
// spaces and after hyphens; with breakWords, a word too long for a line is broken inside as a
// last resort, before shrinking below minSize would be needed. Only when nothing fits is the
// last line shortened with an ellipsis.
func fitText(text string, width, height, maxSize, minSize float64, maxLines int, breakWords bool) ([]string, float64) {
	try := func(hard bool) ([]string, float64, bool) {
		for size := maxSize; size >= minSize; size -= 0.5 {
			fits := func(t string) bool { return textWidth(t, size) <= width }
			lines := wrap(text, fits, hard)
			if len(lines) > maxLines || float64(len(lines))*size > height {
				continue
			}
			ok := true
			for _, l := range lines {
				ok = ok && fits(l)
			}
			if ok {
				return lines, size, true
			}
		}
		return nil, 0, false
	}
	if lines, size, ok := try(false); ok {
		return lines, size
	}
	if breakWords {
		if lines, size, ok := try(true); ok {
			return lines, size
		}
	}
	fits := func(t string) bool { return textWidth(t, minSize) <= width }
	lines := wrap(text, fits, breakWords)
	n := min(maxLines, max(1, int(height/minSize)))
	cut := len(lines) > n
	if cut {
		lines = lines[:n]
	}
	for i, l := range lines {
		if fits(l) && !(cut && i == len(lines)-1) {
			continue
		}
		r := []rune(l)
		for len(r) > 1 && !fits(string(r)+"…") {
			r = r[:len(r)-1]
		}
		lines[i] = string(r) + "…"
	}
	return lines, minSize
}

// wrap splits text greedily at spaces, and after hyphens (so "Anne-Sophie" may break as
// "Anne-" / "Sophie"), so each line fits. With hard, a piece that cannot fit a line by itself
// is broken between letters.
func wrap(text string, fits func(string) bool, hard bool) []string {
	var lines []string
	cur := ""
	for _, w := range strings.Fields(text) {
		parts := strings.SplitAfter(w, "-")
		for i, part := range parts {
			if part == "" {
				continue
			}
			sep := " "
			if i > 0 {
				sep = "" // the rest of a hyphenated word joins without a space
			}
			switch {
			case cur == "":
				cur = part
			case fits(cur + sep + part):
				cur += sep + part
				continue
			default:
				lines = append(lines, cur)
				cur = part
			}
			if hard && !fits(cur) {
				var chunks []string
				chunks, cur = breakWord(cur, fits)
				lines = append(lines, chunks...)
			}
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

// breakWord cuts w between letters into lines that fit, returning the full ones and the rest.
func breakWord(w string, fits func(string) bool) (full []string, rest string) {
	r := []rune(w)
	for len(r) > 0 {
		n := 1
		for n < len(r) && fits(string(r[:n+1])) {
			n++
		}
		if n == len(r) {
			break
		}
		// Keep a combining mark with its letter.
		for n > 1 && n < len(r) && unicode.Is(unicode.Mn, r[n]) {
			n--
		}
		full = append(full, string(r[:n]))
		r = r[n:]
	}
	return full, string(r)
}
