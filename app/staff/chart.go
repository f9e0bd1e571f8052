package staff

// barChart is a small server-side SVG chart; pages draw it from these numbers and put the
// same numbers in a table for screen readers.
type barChart struct {
	Width, Height int
	Bars          []bar
}

// bar is one bar (and an optional second, overlaid one) with its label and value positions.
type bar struct {
	Label          string
	Value, Value2  int64
	X, Y, W, H     int
	W2             int // second bar's width (row charts)
	LabelX, LabelY int
	ValueX, ValueY int
}

// columnChart draws one vertical bar per value, scaled to the largest.
func columnChart(labels []string, values []int64) barChart {
	const w, h, top, bottom, slot = 640, 220, 20, 40, 80
	c := barChart{Width: w, Height: h}
	max := maxOf(values)
	slotW := w / max1(len(values))
	if slotW > slot {
		slotW = slot
	}
	for i, v := range values {
		bh := int(v * int64(h-top-bottom) / max)
		x := i*slotW + slotW/6
		c.Bars = append(c.Bars, bar{Label: labels[i], Value: v, X: x, W: slotW * 2 / 3,
			Y: h - bottom - bh, H: bh, LabelX: x + slotW/3, LabelY: h - bottom + 16, ValueX: x + slotW/3, ValueY: h - bottom - bh - 4})
	}
	return c
}

// rowChart draws one horizontal bar per label: values (e.g. reached) in one colour with
// values2 (e.g. left here) overlaid, both on the scale of the largest of values.
func rowChart(labels []string, values, values2 []int64) barChart {
	const w, left, right, rowH = 640, 200, 60, 22
	c := barChart{Width: w, Height: len(labels)*rowH + 10}
	max := maxOf(values)
	for i, v := range values {
		y := i*rowH + 4
		b := bar{Label: labels[i], Value: v, X: left, Y: y, H: rowH - 6,
			W: int(v * int64(w-left-right) / max), LabelX: left - 6, LabelY: y + rowH/2 + 2}
		if i < len(values2) {
			b.Value2, b.W2 = values2[i], int(values2[i]*int64(w-left-right)/max)
		}
		b.ValueX, b.ValueY = left+b.W+4, b.LabelY
		c.Bars = append(c.Bars, b)
	}
	return c
}

func maxOf(vs []int64) int64 {
	m := int64(1)
	for _, v := range vs {
		if v > m {
			m = v
		}
	}
	return m
}

func max1(n int) int {
	if n < 1 {
		return 1
	}
	return n
}
