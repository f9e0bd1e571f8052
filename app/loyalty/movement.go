package loyalty

import (
	"sort"
	"time"

	"atelier/app/loyalty/chart"
)

// Period is a span of time the movement matrix covers, [Start, End).
type Period struct {
	// Key names the period in URLs (?period=): "30d", "12m" or a month, "2026-05".
	Key   string
	Label string
	Start time.Time
	End   time.Time
}

// DefaultPeriod is the period the dashboard's movement matrix shows unless asked otherwise.
const DefaultPeriod = "30d"

// notScored is the movement matrix's row for customers who had no segment yet at the start of
// the period (they were first scored during it).
const notScored = ""

// movementPeriods returns the periods the dashboard offers at now, the default first: the last
// 30 days, the last 12 months (the months of the other charts), and each of those months,
// newest first. A period that reaches now ends at the start of next month, so a move recorded
// at this very instant counts.
func movementPeriods(now time.Time) []Period {
	first := monthStart(now)
	next := first.AddDate(0, 12, 0)
	ps := []Period{
		{Key: DefaultPeriod, Label: "Last 30 days", Start: now.AddDate(0, 0, -30), End: next},
		{Key: "12m", Label: "Last 12 months", Start: first, End: next},
	}
	for i := 11; i >= 0; i-- {
		start := first.AddDate(0, i, 0)
		p := Period{Key: start.Format("2006-01"), Label: start.Format("January 2006"), Start: start, End: start.AddDate(0, 1, 0)}
		if i == 11 {
			p.Label += " (so far)"
		}
		ps = append(ps, p)
	}
	return ps
}

// span says in words which days p covers at now, e.g. "1 Oct 2026 to 31 Oct 2026".
func (p Period) span(now time.Time) string {
	last := p.End.Add(-time.Nanosecond)
	if p.End.After(now) {
		last = now
	}
	return p.Start.Format("2 Jan 2006") + " to " + last.Format("2 Jan 2006")
}

// boundaries returns the distinct starts and ends of periods, in order: the instants at which
// the movement matrix needs each customer's segment.
func boundaries(periods []Period) []time.Time {
	var bs []time.Time
	for _, p := range periods {
		bs = append(bs, p.Start, p.End)
	}
	sort.Slice(bs, func(i, j int) bool { return bs[i].Before(bs[j]) })
	out := bs[:0]
	for _, b := range bs {
		if len(out) == 0 || !b.Equal(out[len(out)-1]) {
			out = append(out, b)
		}
	}
	return out
}

// historyRow is one segment move as the movement matrix reads it: slot is how many of the
// boundaries are at or before the move, so the move comes before boundary k exactly when
// slot <= k. (The database computes the slot, which spares parsing a timestamp per row.)
type historyRow struct {
	customer uint
	from, to string
	slot     int
}

// flow is a customer's segment at the start of a period and at its end.
type flow struct{ from, to string }

// flowCounts counts customers by flow for each period. rows are the segment moves from the
// first boundary on, ordered by customer and then by time (and id), their slots taken over
// bounds (see boundaries); steady counts, by segment, the scored customers without such a
// move, who stayed put in every period.
//
// A customer's segment just before a boundary is the destination of their last move before
// it; before their first move in rows it is that move's origin (segment_history chains each
// move to the one before, and a first assignment comes from notScored). Each customer counts
// once per period: one who left a segment and came back within it counts as staying; one
// with no segment at the end of the period (first scored after it) does not count.
func flowCounts(rows []historyRow, steady map[string]int, periods []Period, bounds []time.Time) []map[flow]int {
	index := func(t time.Time) int {
		return sort.Search(len(bounds), func(i int) bool { return !bounds[i].Before(t) })
	}
	type span struct{ start, end int }
	spans := make([]span, len(periods))
	out := make([]map[flow]int, len(periods))
	for i, p := range periods {
		spans[i] = span{index(p.Start), index(p.End)}
		out[i] = map[flow]int{}
		for seg, n := range steady {
			out[i][flow{seg, seg}] += n
		}
	}
	before := func(moves []historyRow, k int) string {
		seg := moves[0].from
		for _, m := range moves {
			if m.slot > k {
				break
			}
			seg = m.to
		}
		return seg
	}
	for start := 0; start < len(rows); {
		end := start + 1
		for end < len(rows) && rows[end].customer == rows[start].customer {
			end++
		}
		moves := rows[start:end]
		for i, sp := range spans {
			if to := before(moves, sp.end); to != notScored {
				out[i][flow{before(moves, sp.start), to}]++
			}
		}
		start = end
	}
	return out
}

// movementCharts builds one from×to matrix per period: a row per segment at the start (and one
// for customers not scored yet), a column per segment at the end, in the segments' priority
// order; a segment no longer defined keeps its name and comes last.
func (s *Service) movementCharts(periods []Period, counts []map[flow]int, now time.Time) []chart.Chart {
	var names []string
	known := map[string]bool{}
	for _, sg := range s.segs {
		names = append(names, sg.Name)
		known[sg.Name] = true
	}
	var extra []string
	for _, m := range counts {
		for f := range m {
			for _, n := range []string{f.from, f.to} {
				if n != notScored && !known[n] {
					known[n] = true
					extra = append(extra, n)
				}
			}
		}
	}
	sort.Strings(extra)
	names = append(names, extra...)
	rows := append(append([]string(nil), names...), notScored)

	charts := make([]chart.Chart, len(periods))
	for i, p := range periods {
		c := chart.Chart{ID: "movement", Kind: chart.Matrix, XName: "From ↓ / to →",
			Title: "Movement between segments: " + p.Label,
			Summary: "Customers by their segment at the start of the period (rows) and at its end (columns), " +
				p.span(now) + ". " +
				"The outlined diagonal is customers who stayed (also those who left and came back); " +
				"the last row is customers first scored during the period."}
		for _, r := range rows {
			c.Labels = append(c.Labels, s.movementLabel(r))
		}
		for _, to := range names {
			sr := chart.Series{Name: s.SegmentLabel(to), Values: make([]float64, len(rows))}
			for k, from := range rows {
				sr.Values[k] = float64(counts[i][flow{from, to}])
			}
			c.Series = append(c.Series, sr)
		}
		charts[i] = c
	}
	return charts
}

func (s *Service) movementLabel(name string) string {
	if name == notScored {
		return "Not scored before"
	}
	return s.SegmentLabel(name)
}
