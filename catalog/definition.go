package catalog

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// The def* types mirror the YAML file. Each records the line it starts on, and rejects
// unknown keys, so every problem can be reported with its place in the file.

type defCatalog struct {
	Version      scalar           `yaml:"version"`
	Currency     string           `yaml:"currency"`
	ProfileRules []defProfileRule `yaml:"profile_rules"`
	Shared       yaml.Node        `yaml:"shared"` // anchors for reuse; not read directly
	Lines        []defLine        `yaml:"lines"`
	Pos          int              `yaml:"-"`
}

type defProfileRule struct {
	Flag       string `yaml:"flag"`
	ExcludeTag string `yaml:"exclude_tag"`
	Reason     string `yaml:"reason"`
	Pos        int    `yaml:"-"`
}

type defLine struct {
	ID               string          `yaml:"id"`
	Label            string          `yaml:"label"`
	Name             string          `yaml:"name"`
	Description      string          `yaml:"description"`
	Focus            string          `yaml:"focus"`
	DefaultAdjective string          `yaml:"default_adjective"`
	AdjectiveFrom    []string        `yaml:"adjective_from"`
	BasePrice        int64           `yaml:"base_price"`
	QS               string          `yaml:"qs"`
	Fixed            []defIngredient `yaml:"fixed"`
	Dimensions       []defDimension  `yaml:"dimensions"`
	Rules            []defRule       `yaml:"rules"`
	Pos              int             `yaml:"-"`
}

type defDimension struct {
	ID      string      `yaml:"id"`
	Kind    string      `yaml:"kind"`
	Label   string      `yaml:"label"`
	Pick    *defPick    `yaml:"pick"`
	Options []defOption `yaml:"options"`
	Pos     int         `yaml:"-"`
}

type defPick struct {
	Min int `yaml:"min"`
	Max int `yaml:"max"`
	Pos int `yaml:"-"`
}

type defOption struct {
	ID          string          `yaml:"id"`
	Label       string          `yaml:"label"`
	Description string          `yaml:"description"`
	Price       int64           `yaml:"price"`
	INCI        []defIngredient `yaml:"inci"`
	Strength    int             `yaml:"strength"`
	Tags        []string        `yaml:"tags"`
	Adjective   string          `yaml:"adjective"`
	Packaging   *defPackaging   `yaml:"packaging"`
	Score       []defHint       `yaml:"score"`
	Pos         int             `yaml:"-"`
}

type defIngredient struct {
	INCI    string  `yaml:"inci"`
	Percent percent `yaml:"percent"`
	Max     percent `yaml:"max"`
	Role    string  `yaml:"role"`
	Phase   string  `yaml:"phase"`
	Pos     int     `yaml:"-"`
}

type defPackaging struct {
	Shape  string `yaml:"shape"`
	Colour string `yaml:"colour"`
	Cap    string `yaml:"cap"`
	SizeML int    `yaml:"size_ml"`
	Label  string `yaml:"label"`
	Pos    int    `yaml:"-"`
}

type defHint struct {
	When   string  `yaml:"when"`
	Weight float64 `yaml:"weight"`
	Reason string  `yaml:"reason"`
	Pos    int     `yaml:"-"`
}

type defRule struct {
	Excludes []string     `yaml:"excludes"`
	Requires *defRequires `yaml:"requires"`
	AtMost   *defCount    `yaml:"at_most"`
	AtLeast  *defCount    `yaml:"at_least"`
	Message  string       `yaml:"message"`
	Pos      int          `yaml:"-"`
}

type defRequires struct {
	If   strList `yaml:"if"`
	Then strList `yaml:"then"`
	Pos  int     `yaml:"-"`
}

type defCount struct {
	Count int      `yaml:"count"`
	Of    []string `yaml:"of"`
	Pos   int      `yaml:"-"`
}

// decodeStrict decodes mapping n into out (a pointer to a struct without UnmarshalYAML),
// reporting unknown keys and type problems as a *yaml.TypeError so decoding goes on and
// every problem is collected.
func decodeStrict(n *yaml.Node, out any, what string) error {
	if n.Kind != yaml.MappingNode {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: %s must be a mapping of keys to values", n.Line, what)}}
	}
	var errs []string
	known := map[string]bool{}
	t := reflect.TypeOf(out).Elem()
	for i := 0; i < t.NumField(); i++ {
		tag := strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]
		if tag != "" && tag != "-" {
			known[tag] = true
		}
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		switch {
		case !known[k.Value]:
			keys := make([]string, 0, len(known))
			for i := 0; i < t.NumField(); i++ {
				if tag := strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]; tag != "-" {
					keys = append(keys, tag)
				}
			}
			errs = append(errs, fmt.Sprintf("line %d: unknown key %q in %s (known keys: %s)", k.Line, k.Value, what, strings.Join(keys, ", ")))
		case seen[k.Value]:
			errs = append(errs, fmt.Sprintf("line %d: key %q appears twice in %s", k.Line, k.Value, what))
		}
		seen[k.Value] = true
	}
	if err := n.Decode(out); err != nil {
		if te, ok := err.(*yaml.TypeError); ok {
			errs = append(errs, te.Errors...)
		} else {
			errs = append(errs, fmt.Sprintf("line %d: %v", n.Line, err))
		}
	}
	if len(errs) > 0 {
		return &yaml.TypeError{Errors: errs}
	}
	return nil
}

func (d *defCatalog) UnmarshalYAML(n *yaml.Node) error {
	type plain defCatalog
	d.Pos = n.Line
	return decodeStrict(n, (*plain)(d), "the catalog")
}

func (d *defProfileRule) UnmarshalYAML(n *yaml.Node) error {
	type plain defProfileRule
	d.Pos = n.Line
	return decodeStrict(n, (*plain)(d), "a profile rule")
}

func (d *defLine) UnmarshalYAML(n *yaml.Node) error {
	type plain defLine
	d.Pos = n.Line
	return decodeStrict(n, (*plain)(d), "a line")
}

func (d *defDimension) UnmarshalYAML(n *yaml.Node) error {
	type plain defDimension
	d.Pos = n.Line
	return decodeStrict(n, (*plain)(d), "a dimension")
}

func (d *defPick) UnmarshalYAML(n *yaml.Node) error {
	type plain defPick
	d.Pos = n.Line
	return decodeStrict(n, (*plain)(d), "pick")
}

func (d *defOption) UnmarshalYAML(n *yaml.Node) error {
	type plain defOption
	d.Pos = n.Line
	return decodeStrict(n, (*plain)(d), "an option")
}

func (d *defIngredient) UnmarshalYAML(n *yaml.Node) error {
	type plain defIngredient
	d.Pos = n.Line
	return decodeStrict(n, (*plain)(d), "an ingredient")
}

func (d *defPackaging) UnmarshalYAML(n *yaml.Node) error {
	type plain defPackaging
	d.Pos = n.Line
	return decodeStrict(n, (*plain)(d), "packaging")
}

func (d *defHint) UnmarshalYAML(n *yaml.Node) error {
	type plain defHint
	d.Pos = n.Line
	return decodeStrict(n, (*plain)(d), "a score hint")
}

func (d *defRule) UnmarshalYAML(n *yaml.Node) error {
	type plain defRule
	d.Pos = n.Line
	return decodeStrict(n, (*plain)(d), "a rule")
}

func (d *defRequires) UnmarshalYAML(n *yaml.Node) error {
	type plain defRequires
	d.Pos = n.Line
	return decodeStrict(n, (*plain)(d), "requires")
}

func (d *defCount) UnmarshalYAML(n *yaml.Node) error {
	type plain defCount
	d.Pos = n.Line
	return decodeStrict(n, (*plain)(d), "a count rule")
}

// scalar accepts an int or a string (the catalog version).
type scalar struct {
	Value string
	Pos   int
}

func (s *scalar) UnmarshalYAML(n *yaml.Node) error {
	s.Pos = n.Line
	if n.Kind != yaml.ScalarNode {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: version must be a number or a short word", n.Line)}}
	}
	s.Value = n.Value
	return nil
}

// strList accepts one string or a list of strings.
type strList []string

func (s *strList) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*s = strList{n.Value}
		return nil
	}
	var xs []string
	if err := n.Decode(&xs); err != nil {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: expected an option reference or a list of them", n.Line)}}
	}
	*s = xs
	return nil
}

// percent is a percentage in basis points (1/100 of a percent), read exactly from its
// decimal text so sums stay exact.
type percent int64

// badPercent marks a value that is not a percentage.
const badPercent percent = -1

func (p *percent) UnmarshalYAML(n *yaml.Node) error {
	v, err := parsePercent(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil {
		// Reported by the loader with the ingredient's place, so one typo does not hide
		// the other problems of the line.
		*p = badPercent
		return nil
	}
	*p = percent(v)
	return nil
}

// parsePercent reads "4", "4.5", "0.25" or "100" as basis points.
func parsePercent(s string) (int64, error) {
	s = strings.TrimSuffix(strings.TrimSpace(s), "%")
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" {
		whole = "0"
	}
	if hasDot && (len(frac) == 0 || len(frac) > 2) {
		return 0, fmt.Errorf("bad percent %q", s)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	w, err := strconv.ParseUint(whole, 10, 8)
	if err != nil {
		return 0, err
	}
	f, err := strconv.ParseUint(frac, 10, 8)
	if err != nil {
		return 0, err
	}
	v := int64(w)*100 + int64(f)
	if v > 10000 {
		return 0, fmt.Errorf("percent above 100")
	}
	return v, nil
}
