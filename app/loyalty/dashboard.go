package loyalty

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"atelier/app/loyalty/chart"
	"atelier/app/loyalty/score"
)

// Dashboard is the owner's view of the store: headline figures and charts.
type Dashboard struct {
	At      time.Time
	Figures []Figure
	// Charts are the charts in ChartIDs order; "movement" is the default period's matrix.
	Charts []chart.Chart
	// Periods are the spans the movement matrix can show, DefaultPeriod first; Movement holds
	// the matrix of each, in the same order.
	Periods  []Period
	Movement []chart.Chart
}

// Figure is one headline number.
type Figure struct {
	Label, Value, Hint string
}

// Chart returns the chart with id, if any.
func (d *Dashboard) Chart(id string) (*chart.Chart, bool) {
	for i := range d.Charts {
		if d.Charts[i].ID == id {
			return &d.Charts[i], true
		}
	}
	return nil, false
}

// MovementChart returns the movement matrix of the period with key ("" is DefaultPeriod);
// false for a period the dashboard does not offer.
func (d *Dashboard) MovementChart(key string) (*chart.Chart, bool) {
	if key == "" {
		key = DefaultPeriod
	}
	for i, p := range d.Periods {
		if p.Key == key && i < len(d.Movement) {
			return &d.Movement[i], true
		}
	}
	return nil, false
}

// ChartIDs lists the dashboard's charts in order, for links and CSV exports.
var ChartIDs = []string{"segments", "movement", "revenue", "reorders", "first_follow_up", "satisfaction",
	"funnel", "dropoff", "conversion", "top_lines", "top_options"}

// Dashboard returns the dashboard. Its aggregates are read in a few grouped queries over the
// whole store, so they are cached: within DashboardTTL the cached copy is served; after it, the
// stale copy is still served while one background rebuild refreshes it (stale-while-
// revalidate), so only the first request after start or after InvalidateDashboard waits.
func (s *Service) Dashboard(ctx context.Context) (*Dashboard, error) {
	now := s.clock()
	s.mu.Lock()
	d, at := s.cached, s.cachedAt
	fresh := d != nil && s.cacheTTL > 0 && now.Sub(at) < s.cacheTTL && !now.Before(at)
	if d != nil && s.cacheTTL > 0 && !fresh {
		if !s.building {
			s.building = true
			go s.rebuild()
		}
		fresh = true // serve the stale copy meanwhile
	}
	s.mu.Unlock()
	if fresh {
		return d, nil
	}
	d, err := s.buildDashboard(ctx, now)
	if err != nil {
		return nil, err
	}
	s.store(d)
	return d, nil
}

func (s *Service) rebuild() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	d, err := s.buildDashboard(ctx, s.clock())
	s.mu.Lock()
	s.building = false
	s.mu.Unlock()
	if err != nil {
		s.log.Error("loyalty: dashboard refresh", "error", err.Error())
		return
	}
	s.store(d)
}

func (s *Service) store(d *Dashboard) {
	s.mu.Lock()
	if s.cached == nil || !d.At.Before(s.cached.At) {
		s.cached, s.cachedAt = d, d.At
	}
	s.mu.Unlock()
}

// InvalidateDashboard drops the cached aggregates so the next Dashboard reads the store again
// (e.g. after importing data).
func (s *Service) InvalidateDashboard() { s.invalidate() }

func (s *Service) invalidate() {
	s.mu.Lock()
	s.cached = nil
	s.mu.Unlock()
}

// months returns the labels of the 12 months ending with now's, oldest first.
func months(now time.Time) []string {
	labels := make([]string, 12)
	first := monthStart(now)
	for i := range labels {
		labels[i] = first.AddDate(0, i, 0).Format("2006-01")
	}
	return labels
}

// monthStart is the first instant of the earliest of those 12 months.
func monthStart(now time.Time) time.Time {
	return time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -11, 0)
}

func (s *Service) buildDashboard(ctx context.Context, now time.Time) (*Dashboard, error) {
	raw, err := s.loadDashboard(ctx, now)
	if err != nil {
		return nil, err
	}
	labels := months(now)
	d := &Dashboard{At: now}

	// customers per segment
	segC := chart.Chart{ID: "segments", Title: "Customers per segment", Kind: chart.Bars, XName: "Segment",
		Summary: "How many customers each segment holds now."}
	counts := chart.Series{Name: "Customers"}
	total := 0
	for _, sg := range s.segs {
		segC.Labels = append(segC.Labels, sg.Label)
		counts.Values = append(counts.Values, float64(raw.segments[sg.Name]))
		total += raw.segments[sg.Name]
	}
	segC.Series = []chart.Series{counts}

	// movement: from which segment to which, per period
	d.Periods = raw.periods
	d.Movement = s.movementCharts(d.Periods, flowCounts(raw.history, raw.steady, raw.periods, raw.bounds), now)
	mv := d.Movement[0]

	// revenue, reorders, time to first follow-up
	rev := chart.Series{Name: "Revenue (" + strings.ToUpper(s.currency()) + ")", Values: make([]float64, 12)}
	ordersN := make([]float64, 12)
	reorderN := make([]float64, 12)
	hours := make([][]float64, 12)
	var revenue12 int64
	for i, m := range labels {
		revenue12 += raw.revenue[m]
		rev.Values[i] = float64(raw.revenue[m]) / 100
		ordersN[i] = float64(raw.orders[m])
		reorderN[i] = float64(raw.reorders[m])
		hours[i] = raw.hours[m]
	}
	revC := chart.Chart{ID: "revenue", Title: "Revenue per month", Kind: chart.Bars, XName: "Month", Labels: labels, Decimals: 2,
		Summary: "Paid orders' totals by month of payment, in " + strings.ToUpper(s.currency()) + ".", Series: []chart.Series{rev}}
	share := chart.Series{Name: "Reorders (% of orders)", Values: make([]float64, 12)}
	for i := range share.Values {
		share.Values[i] = pct(reorderN[i], ordersN[i])
	}
	reoC := chart.Chart{ID: "reorders", Title: "Reorder rate", Kind: chart.Lines, XName: "Month", Labels: labels, Decimals: 1,
		Summary: "Share of each month's orders placed by a returning customer.",
		Series:  []chart.Series{share, {Name: "Orders", Values: ordersN}}}
	med := chart.Series{Name: "Median hours", Values: make([]float64, 12)}
	var all []float64
	for i, hs := range hours {
		med.Values[i] = median(hs)
		all = append(all, hs...)
	}
	ffC := chart.Chart{ID: "first_follow_up", Title: "Time to first follow-up", Kind: chart.Lines, XName: "Month of payment", Labels: labels, Decimals: 1,
		Summary: "Median hours from payment to the order's first completed follow-up.", Series: []chart.Series{med}}

	// satisfaction trend
	avg := chart.Series{Name: "Average rating (1–5)", Values: make([]float64, 12)}
	nr := chart.Series{Name: "Ratings", Values: make([]float64, 12)}
	for i, m := range labels {
		avg.Values[i] = float64(raw.ratingSum[m])
		nr.Values[i] = float64(raw.ratingN[m])
	}
	sum90, n90 := raw.sum90, raw.n90
	for i := range avg.Values {
		if nr.Values[i] > 0 {
			avg.Values[i] /= nr.Values[i]
		}
	}
	satC := chart.Chart{ID: "satisfaction", Title: "Satisfaction trend", Kind: chart.Lines, XName: "Month", Labels: labels, Decimals: 2,
		Summary: "Average satisfaction rating per month, from follow-up calls and customer feedback.", Series: []chart.Series{avg}}
	satC.Series = append(satC.Series, nr)
	satC.Kind = chart.Lines

	// quiz funnel and conversion
	funC := chart.Chart{ID: "funnel", Title: "Consultation funnel", Kind: chart.Bars, XName: "Step",
		Labels:  []string{"Started", "Completed", "Ordered"},
		Summary: "Consultations started, completed, and completed by a customer who then paid for an order.",
		Series:  []chart.Series{{Name: "Consultations", Values: []float64{float64(raw.started), float64(raw.completed), float64(raw.converted)}}}}
	conv := chart.Series{Name: "Completed → ordered (%)", Values: make([]float64, 12)}
	for i := range conv.Values {
		conv.Values[i] = pct(float64(raw.convByMonth[labels[i]]), float64(raw.doneByMonth[labels[i]]))
	}
	convC := chart.Chart{ID: "conversion", Title: "Conversion from consultation to order", Kind: chart.Lines, XName: "Month completed",
		Labels: labels, Decimals: 1, Summary: "Share of each month's completed consultations whose customer went on to pay for an order.",
		Series: []chart.Series{conv}}
	dropC := chart.Chart{ID: "dropoff", Title: "Drop-off per question", Kind: chart.Bars, XName: "Question",
		Summary: "For each question: consultations that reached it, answered it, and stopped there.",
		Series:  []chart.Series{{Name: "Reached"}, {Name: "Answered"}, {Name: "Left here"}}}
	for _, r := range raw.dropoff {
		dropC.Labels = append(dropC.Labels, r.QuestionID)
		dropC.Series[0].Values = append(dropC.Series[0].Values, float64(r.Reached))
		dropC.Series[1].Values = append(dropC.Series[1].Values, float64(r.Answered))
		dropC.Series[2].Values = append(dropC.Series[2].Values, float64(r.LeftHere))
	}

	// top lines and options
	lineC := topChart("top_lines", "Top product lines", "Line", "Units sold in the last 12 months, by product line.", raw.lines, 12)
	optC := topChart("top_options", "Top options", "Option", "How often each option was chosen in the last 12 months' orders (top 12).", raw.options, 12)

	d.Charts = []chart.Chart{segC, mv, revC, reoC, ffC, satC, funC, dropC, convC, lineC, optC}
	d.Figures = []Figure{
		{"Customers scored", fmt.Sprint(total), "every live account, recomputed nightly"},
		{"Revenue, last 12 months", score.MoneyWhole(revenue12, s.currency()), "paid orders"},
		{"Reorder rate", fmt.Sprintf("%.1f%%", pct(float64(raw.repeaters), float64(raw.buyers))), "buyers with two or more orders"},
		{"Time to first follow-up", hoursText(median(all)), "median, payment → first completed task"},
		{"Satisfaction, last 90 days", ratingText(sum90, n90), fmt.Sprintf("%d ratings", int(n90))},
		{"Consultation → order", fmt.Sprintf("%.1f%%", pct(float64(raw.converted), float64(raw.completed))), "of completed consultations"},
	}
	return d, nil
}

func topChart(id, title, x, summary string, counts map[string]float64, n int) chart.Chart {
	type kv struct {
		k string
		v float64
	}
	var all []kv
	for k, v := range counts {
		all = append(all, kv{k, v})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].v > all[j].v || (all[i].v == all[j].v && all[i].k < all[j].k) })
	c := chart.Chart{ID: id, Title: title, Kind: chart.Bars, XName: x, Summary: summary, Series: []chart.Series{{Name: "Units"}}}
	for i, e := range all {
		if i == n {
			break
		}
		c.Labels = append(c.Labels, strings.ReplaceAll(e.k, "_", " "))
		c.Series[0].Values = append(c.Series[0].Values, e.v)
	}
	return c
}

func pct(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return 100 * a / b
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func hoursText(h float64) string {
	if h == 0 || math.IsNaN(h) {
		return "—"
	}
	return fmt.Sprintf("%.1f h", h)
}

func ratingText(sum, n float64) string {
	if n == 0 {
		return "no ratings"
	}
	return fmt.Sprintf("%.2f / 5", sum/n)
}

// SegmentLabel returns the label of a segment name ("" when unknown).
func (s *Service) SegmentLabel(name string) string {
	if sg, ok := s.segs.Get(name); ok {
		return sg.Label
	}
	return name
}
