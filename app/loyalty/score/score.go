package score

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
)

// The constants of the formulas (docs/LOYALTY.md explains each).
const (
	// HalfLifeDays is the age at which a rating counts half as much as a fresh one.
	HalfLifeDays = 90
	// PriorWeight is how much the neutral 50 counts, in fresh-rating equivalents, so that one
	// rating moves the score but does not decide it alone.
	PriorWeight = 0.5
	// ValueReferenceCents is the 12-month spend that scores 100 (600.00 in the store's currency).
	ValueReferenceCents = 60000
	// ValueUnitCents is the unit of the logarithmic value scale (10.00).
	ValueUnitCents = 1000
	// DefaultUseDays is the expected use of an order whose items do not say.
	DefaultUseDays = 60
)

// Neutral is the satisfaction of a customer without ratings.
const Neutral = 50

// Year is the window of "the last 12 months".
const Year = 365 * 24 * time.Hour

// Reason is one fact that moved a score, with the points it moved it by (0 for context).
type Reason struct {
	Points int    `json:"points"`
	Text   string `json:"text"`
}

// String renders "+30: 3 orders in the last 12 months".
func (r Reason) String() string {
	if r.Points == 0 {
		return r.Text
	}
	return fmt.Sprintf("%+d: %s", r.Points, r.Text)
}

// Score is one score, 0–100, with the reasons behind it.
type Score struct {
	Value   int      `json:"value"`
	Reasons []Reason `json:"reasons"`
}

// Scores are a customer's four scores.
type Scores struct {
	Satisfaction Score `json:"satisfaction"`
	Value        Score `json:"value"`
	Loyalty      Score `json:"loyalty"`
	Potential    Score `json:"potential"`
}

// Compute returns the four scores of h at now.
func Compute(h History, now time.Time) Scores {
	return Scores{
		Satisfaction: Satisfaction(h, now),
		Value:        Value(h, now),
		Loyalty:      Loyalty(h, now),
		Potential:    Potential(h, now),
	}
}

// Satisfaction is the decay-weighted mean of the ratings mapped to 0–100 (1★ = 0, 5★ = 100),
// each weighted 0.5^(age/90 days), blended with a neutral 50 of weight PriorWeight. No ratings
// give exactly 50.
func Satisfaction(h History, now time.Time) Score {
	if len(h.Ratings) == 0 {
		return Score{Value: Neutral, Reasons: []Reason{{0, "no ratings yet: neutral 50"}}}
	}
	var sumW, sumWS, sumStars float64
	latest := h.Ratings[0]
	for _, r := range h.Ratings {
		stars := min(max(r.Stars, 1), 5)
		age := max(now.Sub(r.At).Hours()/24, 0)
		w := math.Pow(0.5, age/HalfLifeDays)
		sumW += w
		sumWS += w * float64(stars-1) * 25
		sumStars += float64(stars)
		if r.At.After(latest.At) {
			latest = r
		}
	}
	v := clamp(round((sumWS + PriorWeight*Neutral) / (sumW + PriorWeight)))
	reasons := []Reason{
		{0, "starts at a neutral 50"},
		{v - Neutral, fmt.Sprintf("%s averaging %.1f/5, recent ones weighted more (90-day half-life)",
			plural(len(h.Ratings), "rating", "ratings"), sumStars/float64(len(h.Ratings)))},
		{0, fmt.Sprintf("latest: %d/5 by %s, %s", latest.Stars, sourceWords(latest.Source), ago(now, latest.At))},
	}
	return Score{Value: v, Reasons: reasons}
}

// Value is the spend of the last 12 months on a logarithmic scale:
// 100 × ln(1 + spend/10.00) / ln(1 + 600.00/10.00), capped at 100 (amounts in the store's currency).
func Value(h History, now time.Time) Score {
	var spend int64
	n := 0
	for _, o := range h.Orders {
		if within(now, o.PaidAt, Year) {
			spend += o.TotalCents
			n++
		}
	}
	if spend <= 0 {
		return Score{Value: 0, Reasons: []Reason{{0, "no purchases in the last 12 months"}}}
	}
	v := clamp(round(100 * math.Log1p(float64(spend)/ValueUnitCents) / math.Log1p(ValueReferenceCents/ValueUnitCents)))
	return Score{Value: v, Reasons: []Reason{
		{v, fmt.Sprintf("%s spent in the last 12 months over %s (100 = %s or more, logarithmic)",
			Money(spend, h.Currency), plural(n, "order", "orders"), Money(ValueReferenceCents, h.Currency))},
	}}
}

// Loyalty adds points for reorders in the last 12 months (15 each, up to 3), for reordering
// the same formula (10), for recency against the last order's expected use (35, 20 or 5)
// and for a habitual interval close to the expected use (20 or 10); capped at 100.
func Loyalty(h History, now time.Time) Score {
	if len(h.Orders) == 0 {
		return Score{Value: 0, Reasons: []Reason{{0, "no paid orders yet"}}}
	}
	orders := sortedOrders(h.Orders)
	var reasons []Reason
	n12 := 0
	for _, o := range orders {
		if within(now, o.PaidAt, Year) {
			n12++
		}
	}
	if n12 >= 2 {
		reasons = append(reasons, Reason{min(n12-1, 3) * 15, fmt.Sprintf("%d orders in the last 12 months", n12)})
	} else {
		reasons = append(reasons, Reason{0, fmt.Sprintf("%s in the last 12 months", plural(n12, "order", "orders"))})
	}
	if sameFormulaAgain(orders) {
		reasons = append(reasons, Reason{10, "reordered the same formula"})
	}
	last := orders[len(orders)-1]
	use := useDays(last)
	since := max(now.Sub(last.PaidAt).Hours()/24, 0)
	ratio := since / float64(use)
	words := fmt.Sprintf("last order %s, expected to last %d days", ago(now, last.PaidAt), use)
	switch {
	case ratio <= 1.25:
		reasons = append(reasons, Reason{35, words})
	case ratio <= 2:
		reasons = append(reasons, Reason{20, words})
	case ratio <= 3:
		reasons = append(reasons, Reason{5, words})
	default:
		reasons = append(reasons, Reason{0, words + fmt.Sprintf(" (%.0f× overdue)", ratio)})
	}
	if len(orders) >= 2 {
		var gap, expected float64
		for i := 1; i < len(orders); i++ {
			gap += orders[i].PaidAt.Sub(orders[i-1].PaidAt).Hours() / 24
			expected += float64(useDays(orders[i-1]))
		}
		k := float64(len(orders) - 1)
		r := gap / expected
		words := fmt.Sprintf("reorders every %.0f days against %.0f days of expected use", gap/k, expected/k)
		switch {
		case r <= 1.3:
			reasons = append(reasons, Reason{20, words})
		case r <= 2:
			reasons = append(reasons, Reason{10, words})
		default:
			reasons = append(reasons, Reason{0, words})
		}
	}
	return Score{Value: clamp(sum(reasons)), Reasons: reasons}
}

// Potential adds points for a completed consultation (10), for recommended lines not yet
// bought (12 each, up to 3), for a young relationship (20 under 90 days, 10 under a year),
// for feedback given (8 each, up to 3) and conversations had (5 each, up to 3) in the last
// 12 months, and for email that reaches them (6), minus 10 when email bounces; 0–100.
func Potential(h History, now time.Time) Score {
	var reasons []Reason
	if h.QuizCompleted {
		reasons = append(reasons, Reason{10, "completed the consultation"})
	} else {
		reasons = append(reasons, Reason{0, "has not completed the consultation"})
	}
	bought := map[string]bool{}
	for _, o := range h.Orders {
		for _, l := range o.Lines {
			bought[l] = true
		}
	}
	var open []string
	for _, l := range h.RecommendedLines {
		if !bought[l] && !contains(open, l) {
			open = append(open, l)
		}
	}
	if len(open) > 0 {
		reasons = append(reasons, Reason{min(len(open), 3) * 12, fmt.Sprintf("%s recommended but not bought yet (%s)",
			plural(len(open), "line", "lines"), strings.Join(open, ", "))})
	}
	tenure := FactsOf(h, now).TenureDays
	switch {
	case tenure < 90:
		reasons = append(reasons, Reason{20, fmt.Sprintf("new customer (%s)", plural(tenure, "day", "days"))})
	case tenure < 365:
		reasons = append(reasons, Reason{10, fmt.Sprintf("customer for %d months", tenure/30)})
	default:
		reasons = append(reasons, Reason{0, fmt.Sprintf("customer for %.1f years", float64(tenure)/365)})
	}
	feedback := 0
	for _, r := range h.Ratings {
		if r.Source == SourceFeedback && within(now, r.At, Year) {
			feedback++
		}
	}
	if feedback > 0 {
		reasons = append(reasons, Reason{min(feedback, 3) * 8, fmt.Sprintf("gave feedback %s in the last 12 months", times(feedback))})
	}
	talks := 0
	for _, t := range h.Reached {
		if within(now, t, Year) {
			talks++
		}
	}
	if talks > 0 {
		reasons = append(reasons, Reason{min(talks, 3) * 5, fmt.Sprintf("took our follow-up call %s in the last 12 months", times(talks))})
	}
	switch {
	case h.EmailsFailed > 0:
		reasons = append(reasons, Reason{-10, fmt.Sprintf("%s could not be delivered", plural(h.EmailsFailed, "email", "emails"))})
	case h.EmailsDelivered > 0:
		reasons = append(reasons, Reason{6, fmt.Sprintf("%s delivered", plural(h.EmailsDelivered, "email", "emails"))})
	}
	return Score{Value: clamp(sum(reasons)), Reasons: reasons}
}

func sortedOrders(in []Order) []Order {
	out := append([]Order(nil), in...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].PaidAt.Before(out[j].PaidAt) })
	return out
}

func sameFormulaAgain(orders []Order) bool {
	seen := map[string]int{}
	for i, o := range orders {
		for _, c := range o.Codes {
			if j, ok := seen[c]; ok && j != i {
				return true
			}
			seen[c] = i
		}
	}
	return false
}

func useDays(o Order) int {
	if o.ExpectedUseDays > 0 {
		return o.ExpectedUseDays
	}
	return DefaultUseDays
}

func within(now, t time.Time, d time.Duration) bool { return !t.After(now) && now.Sub(t) < d }

func sum(rs []Reason) int {
	s := 0
	for _, r := range rs {
		s += r.Points
	}
	return s
}

func clamp(v int) int { return min(max(v, 0), 100) }

func round(f float64) int { return int(math.Round(f)) }

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func times(n int) string {
	switch n {
	case 1:
		return "once"
	case 2:
		return "twice"
	}
	return fmt.Sprintf("%d times", n)
}

// Money formats cents of a currency for people: "$1,234.50"; a currency without a known
// symbol is written after the amount ("1,234.50 CHF"); "" means US dollars.
func Money(cents int64, currency string) string {
	return money(cents, currency, true)
}

// MoneyWhole is Money rounded down to whole units: "$1,234".
func MoneyWhole(cents int64, currency string) string {
	return money(cents, currency, false)
}

func money(cents int64, currency string, withCents bool) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	whole := fmt.Sprint(cents / 100)
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteRune(',')
		}
		b.WriteRune(r)
	}
	amount := b.String()
	if withCents {
		amount += fmt.Sprintf(".%02d", cents%100)
	}
	switch strings.ToLower(currency) {
	case "", "usd":
		return sign + "$" + amount
	case "eur":
		return sign + "€" + amount
	case "gbp":
		return sign + "£" + amount
	}
	return sign + amount + " " + strings.ToUpper(currency)
}

func sourceWords(s string) string {
	if s == SourceFollowUp {
		return "follow-up call"
	}
	return "feedback"
}

func ago(now, t time.Time) string {
	d := days(now.Sub(t))
	switch {
	case d <= 0:
		return "today"
	case d == 1:
		return "yesterday"
	}
	return fmt.Sprintf("%d days ago", d)
}
