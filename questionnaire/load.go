package questionnaire

import (
	_ "embed"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

//go:embed quizzes/default.yaml
var defaultYAML []byte

// MaxDefinitionSize bounds the definition text Load accepts.
const MaxDefinitionSize = 1 << 20

// Default returns the quiz embedded in the binary (quizzes/default.yaml). It panics only if
// that file is broken, which TestDefaultLoads guards against.
func Default() *Quiz {
	q, err := Load(defaultYAML)
	if err != nil {
		panic("questionnaire: embedded default quiz is invalid: " + err.Error())
	}
	return q
}

// LoadFile reads and loads a quiz definition file (see Load).
func LoadFile(path string) (*Quiz, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("questionnaire: read quiz definition: %w", err)
	}
	return Load(data)
}

// Load parses, validates and compiles a YAML quiz definition. Any problem in the definition
// comes back as a *DefinitionError listing all problems, each with its line and question.
func Load(data []byte) (*Quiz, error) {
	if len(data) > MaxDefinitionSize {
		return nil, &DefinitionError{Problems: []Problem{{Message: fmt.Sprintf("the definition is larger than %d bytes", MaxDefinitionSize)}}}
	}
	l := &loader{}
	quiz := l.parse(data)
	l.validate(quiz) // even after problems in parsing: the owner sees every problem at once
	if len(l.problems) > 0 {
		l.sort()
		return nil, &DefinitionError{Problems: l.problems}
	}
	quiz.source = append([]byte(nil), data...)
	return quiz, nil
}

type loader struct {
	problems []Problem
	lines    map[*Question]map[string]int // question → field → line of its key
	optLines map[*Question][]int          // question → option index → line
	budget   int                          // combinations checkReachable may still try
}

func (l *loader) add(line int, question, format string, args ...any) {
	l.problems = append(l.problems, Problem{Line: line, Question: question, Message: fmt.Sprintf(format, args...)})
}

// line returns the line of a question's field, falling back to the question's own line.
func (l *loader) line(q *Question, field string) int {
	if n, ok := l.lines[q][field]; ok {
		return n
	}
	return q.Line
}

func (l *loader) sort() {
	ps := l.problems
	for i := 1; i < len(ps); i++ { // insertion sort: stable, lists are short
		for j := i; j > 0 && ps[j].Line < ps[j-1].Line; j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
}

type rawQuestion struct {
	ID          string      `yaml:"id"`
	Kind        string      `yaml:"kind"`
	Prompt      string      `yaml:"prompt"`
	Help        string      `yaml:"help"`
	Required    *bool       `yaml:"required"`
	ShowIf      string      `yaml:"show_if"`
	Options     []rawOption `yaml:"options"`
	Min         *float64    `yaml:"min"`
	Max         *float64    `yaml:"max"`
	Step        *float64    `yaml:"step"`
	Unit        string      `yaml:"unit"`
	MaxLength   int         `yaml:"max_length"`
	Trait       string      `yaml:"trait"`
	Bands       []rawBand   `yaml:"bands"`
	Evidence    string      `yaml:"evidence"`
	LowLabel    string      `yaml:"low_label"`
	HighLabel   string      `yaml:"high_label"`
	Placeholder string      `yaml:"placeholder"`
}

type rawOption struct {
	Value    string                `yaml:"value"`
	Label    string                `yaml:"label"`
	Help     string                `yaml:"help"`
	Traits   map[string]stringList `yaml:"traits"`
	Flags    map[string]bool       `yaml:"flags"`
	Concerns map[string]float64    `yaml:"concerns"`
	Evidence string                `yaml:"evidence"`
}

type rawBand struct {
	Below *float64 `yaml:"below"`
	Value string   `yaml:"value"`
}

// stringList accepts either one string or a list of strings.
type stringList []string

func (s *stringList) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*s = stringList{n.Value}
		return nil
	}
	var list []string
	if err := n.Decode(&list); err != nil {
		return err
	}
	*s = list
	return nil
}

var (
	quizKeys     = []string{"version", "title", "sections"}
	sectionKeys  = []string{"id", "title", "questions"}
	questionKeys = yamlKeys(rawQuestion{})
	optionKeys   = yamlKeys(rawOption{})
	bandKeys     = yamlKeys(rawBand{})
)

func yamlKeys(v any) []string {
	t := reflect.TypeOf(v)
	keys := make([]string, t.NumField())
	for i := range keys {
		keys[i] = strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]
	}
	return keys
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

// yamlProblem turns a yaml.v3 error into a problem, keeping the line it names.
func yamlProblem(err error, fallback int, question string) Problem {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.TrimPrefix(msg, "unmarshal errors:\n")
	msg = strings.TrimSpace(msg)
	line := fallback
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = strings.TrimSpace(yamlLine.ReplaceAllString(msg, ""))
		msg = strings.TrimPrefix(msg, ": ")
	}
	return Problem{Line: line, Question: question, Message: msg}
}

// mapping checks that n is a mapping with only the allowed keys and returns key → value node
// and key → line.
func (l *loader) mapping(n *yaml.Node, what, question string, allowed []string) (map[string]*yaml.Node, map[string]int, bool) {
	if n.Kind != yaml.MappingNode {
		l.add(n.Line, question, "%s must be a mapping (key: value lines)", what)
		return nil, nil, false
	}
	values := make(map[string]*yaml.Node, len(n.Content)/2)
	lines := make(map[string]int, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if !contains(allowed, k.Value) {
			l.add(k.Line, question, "unknown field %q in %s (allowed: %s)", k.Value, what, strings.Join(allowed, ", "))
			continue
		}
		if _, dup := values[k.Value]; dup {
			l.add(k.Line, question, "field %q appears twice in %s", k.Value, what)
		}
		values[k.Value] = n.Content[i+1]
		lines[k.Value] = k.Line
	}
	return values, lines, true
}

func (l *loader) parse(data []byte) *Quiz {
	l.lines = map[*Question]map[string]int{}
	l.optLines = map[*Question][]int{}
	quiz := &Quiz{byID: map[string]*Question{}}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		l.problems = append(l.problems, yamlProblem(err, 0, ""))
		return quiz
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		l.add(1, "", "the definition is empty")
		return quiz
	}
	fields, lines, ok := l.mapping(doc.Content[0], "the quiz", "", quizKeys)
	if !ok {
		return quiz
	}
	for _, key := range []string{"version", "title"} {
		n := fields[key]
		if n == nil {
			l.add(doc.Content[0].Line, "", "%q is missing", key)
			continue
		}
		if n.Kind != yaml.ScalarNode || strings.TrimSpace(n.Value) == "" {
			l.add(lines[key], "", "%q must be a non-empty text", key)
			continue
		}
		if key == "version" {
			quiz.Version = strings.TrimSpace(n.Value)
		} else {
			quiz.Title = strings.TrimSpace(n.Value)
		}
	}
	if len(quiz.Version) > 64 {
		l.add(lines["version"], "", "version must be at most 64 characters")
	}
	secs := fields["sections"]
	if secs == nil || secs.Kind != yaml.SequenceNode || len(secs.Content) == 0 {
		line := doc.Content[0].Line
		if secs != nil {
			line = secs.Line
		}
		l.add(line, "", "\"sections\" must be a list with at least one section")
		return quiz
	}
	sectionIDs := map[string]int{}
	for _, sn := range secs.Content {
		sf, slines, ok := l.mapping(sn, "a section", "", sectionKeys)
		if !ok {
			continue
		}
		var sec Section
		if n := sf["id"]; n != nil {
			sec.ID = n.Value
		}
		if n := sf["title"]; n != nil {
			sec.Title = n.Value
		}
		if sec.ID == "" {
			l.add(sn.Line, "", "a section needs an id")
		} else if prev, dup := sectionIDs[sec.ID]; dup {
			l.add(slines["id"], "", "section id %q is already used on line %d", sec.ID, prev)
		} else {
			sectionIDs[sec.ID] = slines["id"]
		}
		qs := sf["questions"]
		if qs == nil || qs.Kind != yaml.SequenceNode || len(qs.Content) == 0 {
			l.add(sn.Line, "", "section %q must have a list of questions", sec.ID)
			continue
		}
		for _, qn := range qs.Content {
			if q := l.question(qn, sec.ID); q != nil {
				q.index = len(quiz.questions)
				quiz.questions = append(quiz.questions, q)
				sec.Questions = append(sec.Questions, q)
			}
		}
		quiz.Sections = append(quiz.Sections, sec)
	}
	return quiz
}

func (l *loader) question(n *yaml.Node, section string) *Question {
	id := ""
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == "id" {
				id = n.Content[i+1].Value
			}
		}
	}
	fields, lines, ok := l.mapping(n, "a question", id, questionKeys)
	if !ok {
		return nil
	}
	if on := fields["options"]; on != nil && on.Kind == yaml.SequenceNode {
		for _, o := range on.Content {
			if of, _, ok := l.mapping(o, "an option", id, optionKeys); ok {
				for _, key := range []string{"flags", "concerns", "traits"} {
					if m := of[key]; m != nil && m.Kind != yaml.MappingNode {
						l.add(m.Line, id, "%s of an option must be a mapping", key)
					}
				}
			}
		}
	}
	if bn := fields["bands"]; bn != nil && bn.Kind == yaml.SequenceNode {
		for _, b := range bn.Content {
			l.mapping(b, "a band", id, bandKeys)
		}
	}
	var raw rawQuestion
	if err := n.Decode(&raw); err != nil {
		l.problems = append(l.problems, yamlProblem(err, n.Line, id))
		// Kept as a stub, so the other questions' conditions still find its id.
		return &Question{ID: strings.TrimSpace(id), Section: section, Line: n.Line, stub: true}
	}
	q := &Question{
		ID: strings.TrimSpace(raw.ID), Section: section, Kind: Kind(raw.Kind),
		Prompt: strings.TrimSpace(raw.Prompt), Help: strings.TrimSpace(raw.Help),
		Required: raw.Required == nil || *raw.Required,
		Min:      raw.Min, Max: raw.Max, Step: raw.Step, Unit: raw.Unit, MaxLength: raw.MaxLength,
		LowLabel: raw.LowLabel, HighLabel: raw.HighLabel, Placeholder: raw.Placeholder,
		ShowIf: strings.TrimSpace(raw.ShowIf), Trait: strings.TrimSpace(raw.Trait),
		Evidence: strings.TrimSpace(raw.Evidence), Line: n.Line,
	}
	l.lines[q] = lines
	if on := fields["options"]; on != nil {
		for _, o := range on.Content {
			l.optLines[q] = append(l.optLines[q], o.Line)
		}
	}
	for _, ro := range raw.Options {
		o := Option{Value: strings.TrimSpace(ro.Value), Label: strings.TrimSpace(ro.Label), Help: strings.TrimSpace(ro.Help),
			Flags: ro.Flags, Concerns: ro.Concerns, Evidence: strings.TrimSpace(ro.Evidence)}
		if len(ro.Traits) > 0 {
			o.Traits = make(map[string][]string, len(ro.Traits))
			for k, v := range ro.Traits {
				o.Traits[k] = []string(v)
			}
		}
		q.Options = append(q.Options, o)
	}
	for _, rb := range raw.Bands {
		q.Bands = append(q.Bands, Band{Below: rb.Below, Value: rb.Value})
	}
	return q
}
