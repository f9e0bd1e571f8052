package score

import (
	_ "embed"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

//go:embed segments.yaml
var defaultSegments []byte

// DefaultYAML returns the embedded default segment definitions.
func DefaultYAML() []byte { return append([]byte(nil), defaultSegments...) }

// Range is an inclusive range; a nil end is open.
type Range struct {
	Min *int `yaml:"min" json:"min,omitempty"`
	Max *int `yaml:"max" json:"max,omitempty"`
}

// Holds reports whether v is within r.
func (r Range) Holds(v int) bool {
	return (r.Min == nil || v >= *r.Min) && (r.Max == nil || v <= *r.Max)
}

// String renders "≥ 60", "≤ 40" or "40–60".
func (r Range) String() string {
	switch {
	case r.Min != nil && r.Max != nil:
		return fmt.Sprintf("%d–%d", *r.Min, *r.Max)
	case r.Min != nil:
		return fmt.Sprintf("≥ %d", *r.Min)
	case r.Max != nil:
		return fmt.Sprintf("≤ %d", *r.Max)
	}
	return "any"
}

// Criteria lists the ranges a segment requires; absent ones do not matter.
type Criteria struct {
	Satisfaction       *Range `yaml:"satisfaction" json:"satisfaction,omitempty"`
	Value              *Range `yaml:"value" json:"value,omitempty"`
	Loyalty            *Range `yaml:"loyalty" json:"loyalty,omitempty"`
	Potential          *Range `yaml:"potential" json:"potential,omitempty"`
	Orders             *Range `yaml:"orders" json:"orders,omitempty"`
	DaysSinceLastOrder *Range `yaml:"days_since_last_order" json:"days_since_last_order,omitempty"`
	UseElapsedPercent  *Range `yaml:"use_elapsed_percent" json:"use_elapsed_percent,omitempty"`
	TenureDays         *Range `yaml:"tenure_days" json:"tenure_days,omitempty"`
}

type criterion struct {
	name string
	r    *Range
	v    func(Scores, Facts) int
}

func (c Criteria) list() []criterion {
	return []criterion{
		{"satisfaction", c.Satisfaction, func(s Scores, _ Facts) int { return s.Satisfaction.Value }},
		{"value", c.Value, func(s Scores, _ Facts) int { return s.Value.Value }},
		{"loyalty", c.Loyalty, func(s Scores, _ Facts) int { return s.Loyalty.Value }},
		{"potential", c.Potential, func(s Scores, _ Facts) int { return s.Potential.Value }},
		{"orders", c.Orders, func(_ Scores, f Facts) int { return f.Orders }},
		{"days_since_last_order", c.DaysSinceLastOrder, func(_ Scores, f Facts) int { return f.DaysSinceLastOrder }},
		{"use_elapsed_percent", c.UseElapsedPercent, func(_ Scores, f Facts) int { return f.UseElapsedPercent }},
		{"tenure_days", c.TenureDays, func(_ Scores, f Facts) int { return f.TenureDays }},
	}
}

// Match reports whether scores and facts satisfy every range. A customer without orders never
// matches a range on days_since_last_order or use_elapsed_percent.
func (c Criteria) Match(s Scores, f Facts) bool {
	for _, k := range c.list() {
		if k.r == nil {
			continue
		}
		if (k.name == "days_since_last_order" || k.name == "use_elapsed_percent") && k.v(s, f) < 0 {
			return false // no order
		}
		if !k.r.Holds(k.v(s, f)) {
			return false
		}
	}
	return true
}

// Empty reports whether no range is set (the default bucket).
func (c Criteria) Empty() bool {
	for _, k := range c.list() {
		if k.r != nil {
			return false
		}
	}
	return true
}

// Describe renders the ranges, e.g. "satisfaction ≤ 40, value ≥ 50".
func (c Criteria) Describe() string {
	var parts []string
	for _, k := range c.list() {
		if k.r != nil {
			parts = append(parts, strings.ReplaceAll(k.name, "_", " ")+" "+k.r.String())
		}
	}
	if len(parts) == 0 {
		return "everyone else"
	}
	return strings.Join(parts, ", ")
}

// TaskAction is a follow-up task a strategy creates for staff.
type TaskAction struct {
	Kind      string        `yaml:"kind"`
	Title     string        `yaml:"title"`
	Notes     string        `yaml:"notes"`
	Priority  int           `yaml:"priority"`
	DueWithin time.Duration `yaml:"due_within"`
	Period    string        `yaml:"period"`
}

// EmailAction is an email a strategy sends through the outbox.
type EmailAction struct {
	Kind    string `yaml:"kind"`
	Subject string `yaml:"subject"`
	Body    string `yaml:"body"`
	Period  string `yaml:"period"`
}

// Strategy is what the store does for a segment's customers.
type Strategy struct {
	Summary string       `yaml:"summary"`
	Task    *TaskAction  `yaml:"task"`
	Email   *EmailAction `yaml:"email"`
}

// Segment is one named group of customers and its strategy.
type Segment struct {
	Name        string   `yaml:"name"`
	Label       string   `yaml:"label"`
	Priority    int      `yaml:"priority"`
	Description string   `yaml:"description"`
	When        Criteria `yaml:"when"`
	Strategy    Strategy `yaml:"strategy"`
}

// Segments is a validated set of segments in priority order, the default bucket last.
type Segments []Segment

// ErrSegments is matched by every problem in a segment definition.
var ErrSegments = errors.New("loyalty: invalid segment definitions")

// Periods are the allowed strategy periods.
var Periods = []string{"week", "month", "quarter", "year", "once"}

// LoadSegments parses and validates segment definitions: unique names, a label, known
// periods, one default bucket (no ranges) that sorts last.
func LoadSegments(data []byte) (Segments, error) {
	var doc struct {
		Segments []Segment `yaml:"segments"`
	}
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSegments, err)
	}
	segs := Segments(doc.Segments)
	sort.SliceStable(segs, func(i, j int) bool { return segs[i].Priority < segs[j].Priority })
	var problems []string
	seen := map[string]bool{}
	for i, s := range segs {
		switch {
		case s.Name == "" || strings.ContainsAny(s.Name, " :"):
			problems = append(problems, fmt.Sprintf("segment %d: name must be a word such as at_risk (no spaces or colons)", i+1))
		case seen[s.Name]:
			problems = append(problems, fmt.Sprintf("segment %s is defined twice", s.Name))
		}
		seen[s.Name] = true
		if s.Label == "" {
			problems = append(problems, fmt.Sprintf("segment %s: label is required", s.Name))
		}
		if t := s.Strategy.Task; t != nil {
			if t.Title == "" || t.Kind == "" || !validPeriod(t.Period) || t.DueWithin < 0 {
				problems = append(problems, fmt.Sprintf("segment %s: a task needs kind, title, due_within ≥ 0 and a period (%s)", s.Name, strings.Join(Periods, ", ")))
			}
		}
		if e := s.Strategy.Email; e != nil {
			if e.Kind == "" || e.Subject == "" || e.Body == "" || !validPeriod(e.Period) || len(e.Kind) > 32 {
				problems = append(problems, fmt.Sprintf("segment %s: an email needs kind (≤ 32 characters), subject, body and a period (%s)", s.Name, strings.Join(Periods, ", ")))
			}
		}
		if s.When.Empty() && i != len(segs)-1 {
			problems = append(problems, fmt.Sprintf("segment %s has no ranges, so it must be the default bucket and come last", s.Name))
		}
	}
	if len(segs) == 0 || !segs[len(segs)-1].When.Empty() {
		problems = append(problems, "the last segment must have no ranges: it is the default bucket for everyone else")
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%w: %s", ErrSegments, strings.Join(problems, "; "))
	}
	return segs, nil
}

// DefaultSegments returns the embedded default segments.
func DefaultSegments() Segments {
	segs, err := LoadSegments(defaultSegments)
	if err != nil {
		panic(err) // the embedded file is tested
	}
	return segs
}

// Assign returns the first segment, in priority order, whose ranges hold.
func (segs Segments) Assign(s Scores, f Facts) *Segment {
	for i := range segs {
		if segs[i].When.Match(s, f) {
			return &segs[i]
		}
	}
	return &segs[len(segs)-1]
}

// Get returns the named segment.
func (segs Segments) Get(name string) (*Segment, bool) {
	for i := range segs {
		if segs[i].Name == name {
			return &segs[i], true
		}
	}
	return nil, false
}

func validPeriod(p string) bool {
	for _, q := range Periods {
		if p == q {
			return true
		}
	}
	return false
}

// PeriodKey names the period containing t: "2026-W47", "2026-11", "2026-Q4", "2026" or "once".
func PeriodKey(period string, t time.Time) string {
	t = t.UTC()
	switch period {
	case "week":
		y, w := t.ISOWeek()
		return fmt.Sprintf("%d-W%02d", y, w)
	case "month":
		return t.Format("2006-01")
	case "quarter":
		return fmt.Sprintf("%d-Q%d", t.Year(), (int(t.Month())-1)/3+1)
	case "year":
		return t.Format("2006")
	}
	return "once"
}
