package questionnaire

import (
	"regexp"
	"sort"
	"strings"

	"github.com/expr-lang/expr/parser"
)

var idPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// maxSearch bounds the combinations tried when checking that one condition can be true, and
// searchBudget all the combinations tried for one definition, so Load stays fast.
const (
	maxSearch    = 4096
	searchBudget = 20000
)

// validate checks the parsed quiz, compiles its conditions and prepares it for the engine.
// It reports every problem it can find at once: a duplicate id or a broken question does not
// stop the checks of the others' conditions. Only the search for questions that can never be
// shown needs every question sound (it runs the engine), so it waits for the rest to be fixed.
func (l *loader) validate(quiz *Quiz) {
	sound := len(l.problems) == 0 // nothing went wrong in parsing
	seen := map[string]*Question{}
	for _, q := range quiz.questions {
		switch {
		case q.ID == "":
			l.add(q.Line, "", "a question needs an id")
		case !idPattern.MatchString(q.ID):
			l.add(l.line(q, "id"), q.ID, "id must be lower-case letters, digits and _ and start with a letter")
		case seen[q.ID] != nil:
			l.add(l.line(q, "id"), q.ID, "id is already used by the question on line %d", seen[q.ID].Line)
		default:
			seen[q.ID] = q
			quiz.byID[q.ID] = q
		}
		if q.stub {
			continue
		}
		before := len(l.problems)
		l.checkQuestion(q)
		sound = sound && len(l.problems) == before
	}
	for _, q := range quiz.questions {
		q.ansKey, q.answeredKey = scopeAnswers+"."+q.ID, scopeAnswered+"."+q.ID
	}
	for _, q := range quiz.questions {
		if !q.stub {
			l.checkCondition(quiz, q)
		}
	}
	if !sound || len(quiz.questions) == 0 {
		return
	}
	quiz.prepare()
	l.budget = searchBudget
	for _, q := range quiz.questions {
		l.checkReachable(quiz, q)
	}
}

func (l *loader) checkQuestion(q *Question) {
	if !q.Kind.valid() {
		l.add(l.line(q, "kind"), q.ID, "unknown kind %q (use single, multi, scale, number, text or location)", q.Kind)
		return
	}
	if q.Prompt == "" {
		l.add(q.Line, q.ID, "prompt is missing")
	}
	hasOptions := q.Kind == KindSingle || q.Kind == KindMulti || q.Kind == KindLocation
	switch {
	case hasOptions && len(q.Options) == 0:
		l.add(q.Line, q.ID, "a %s question needs options", q.Kind)
	case !hasOptions && len(q.Options) > 0:
		l.add(l.line(q, "options"), q.ID, "a %s question has no options", q.Kind)
	}
	q.optIndex = make(map[string]int, len(q.Options))
	for i := range q.Options {
		l.checkOption(q, i)
	}
	l.checkTarget(q)
	one := 1.0
	switch q.Kind {
	case KindMulti:
		if q.Min == nil {
			v := 0.0
			if q.Required {
				v = 1
			}
			q.Min = &v
		}
		if q.Max == nil {
			v := float64(len(q.Options))
			q.Max = &v
		}
		switch {
		case *q.Min < 0 || *q.Min != float64(int(*q.Min)) || *q.Max != float64(int(*q.Max)):
			l.add(l.line(q, "min"), q.ID, "min and max of a multi question are whole numbers of picks")
		case *q.Min > *q.Max:
			l.add(l.line(q, "min"), q.ID, "min (%s) is greater than max (%s)", fmtNum(*q.Min), fmtNum(*q.Max))
		case *q.Max > float64(len(q.Options)) || *q.Max < 1:
			l.add(l.line(q, "max"), q.ID, "max must be between 1 and the number of options (%d)", len(q.Options))
		}
	case KindScale:
		if q.Min == nil || q.Max == nil {
			l.add(q.Line, q.ID, "a scale question needs min and max")
		} else if *q.Min >= *q.Max {
			l.add(l.line(q, "min"), q.ID, "min (%s) must be less than max (%s)", fmtNum(*q.Min), fmtNum(*q.Max))
		}
		if q.Step == nil {
			q.Step = &one
		}
	case KindNumber:
		if q.Min != nil && q.Max != nil && *q.Min > *q.Max {
			l.add(l.line(q, "min"), q.ID, "min (%s) is greater than max (%s)", fmtNum(*q.Min), fmtNum(*q.Max))
		}
	case KindText:
		if q.MaxLength == 0 {
			q.MaxLength = 200
		}
		if q.MaxLength < 1 || q.MaxLength > 2000 {
			l.add(l.line(q, "max_length"), q.ID, "max_length must be between 1 and 2000")
		}
	}
	if q.Step != nil && *q.Step <= 0 {
		l.add(l.line(q, "step"), q.ID, "step must be greater than 0")
	}
	if q.MaxLength != 0 && q.Kind != KindText {
		l.add(l.line(q, "max_length"), q.ID, "max_length applies to text questions only")
	}
	if q.Kind != KindScale && q.Kind != KindNumber && q.Kind != KindMulti && (q.Min != nil || q.Max != nil) {
		l.add(l.line(q, "min"), q.ID, "min and max apply to multi, scale and number questions only")
	}
}

func (l *loader) checkOption(q *Question, i int) {
	o := &q.Options[i]
	line := q.Line
	if i < len(l.optLines[q]) {
		line = l.optLines[q][i]
	}
	switch {
	case o.Value == "":
		l.add(line, q.ID, "option %d needs a value", i+1)
	case !idPattern.MatchString(o.Value):
		l.add(line, q.ID, "option value %q must be lower-case letters, digits and _ and start with a letter", o.Value)
	default:
		if _, dup := q.optIndex[o.Value]; dup {
			l.add(line, q.ID, "option value %q appears twice", o.Value)
		}
		q.optIndex[o.Value] = i
	}
	if o.Label == "" {
		l.add(line, q.ID, "option %q needs a label", o.Value)
	}
	if o.Evidence == "" {
		o.Evidence = "you answered \u201c" + o.Label + "\u201d to \u201c" + q.Prompt + "\u201d"
	}
	for _, k := range sortedKeys(o.Traits) {
		keyOK := false
		for _, v := range o.Traits[k] {
			var valueOK bool
			keyOK, valueOK = knownTrait(k, v)
			if !keyOK {
				l.add(line, q.ID, "option %q sets unknown trait %q (known: %s)", o.Value, k, strings.Join(sortedKeys(TraitVocabulary), ", "))
				break
			}
			if !valueOK {
				l.add(line, q.ID, "option %q sets trait %s to %q, which is not one of %s", o.Value, k, v, strings.Join(TraitVocabulary[k], ", "))
				continue
			}
			o.traitList = append(o.traitList, kv{k, v, k + "." + v})
		}
	}
	for _, k := range sortedKeys(o.Flags) {
		if !knownFlag(k) {
			l.add(line, q.ID, "option %q sets unknown flag %q (known: %s)", o.Value, k, strings.Join(FlagVocabulary, ", "))
			continue
		}
		o.flagList = append(o.flagList, flagKV{k, o.Flags[k], "flag." + k, flagVar[k]})
	}
	for _, k := range sortedKeys(o.Concerns) {
		w := o.Concerns[k]
		switch {
		case !knownConcern(k):
			l.add(line, q.ID, "option %q sets unknown concern %q (known: %s)", o.Value, k, strings.Join(ConcernVocabulary, ", "))
		case w < -1 || w > 1:
			l.add(line, q.ID, "option %q gives concern %s the weight %s; weights are between -1 and 1", o.Value, k, fmtNum(w))
		default:
			o.concernList = append(o.concernList, concernKV{k, w, "concern." + k, concernVar[k]})
		}
	}
}

func (l *loader) checkTarget(q *Question) {
	line := l.line(q, "trait")
	t := q.Trait
	if t == "" && q.Kind == KindLocation {
		t = "trait.climate"
	}
	if t == "" {
		return
	}
	if q.Kind == KindSingle || q.Kind == KindMulti {
		l.add(line, q.ID, "trait applies to scale, number, text and location questions; options set traits of single and multi questions")
		return
	}
	scope, key, _ := strings.Cut(t, ".")
	switch {
	case t == "name":
		if q.Kind != KindText {
			l.add(line, q.ID, "only a text question can set the name")
			return
		}
		q.target = target{kind: targetName}
	case scope == "concern" && knownConcern(key):
		if q.Kind != KindScale && q.Kind != KindNumber {
			l.add(line, q.ID, "only a scale or number question can set a concern weight")
			return
		}
		if q.Min == nil || q.Max == nil {
			l.add(line, q.ID, "a question that sets a concern weight needs min and max")
			return
		}
		q.target = target{kind: targetConcern, key: key, ev: "concern." + key}
	case scope == "trait" && TraitVocabulary[key] != nil:
		q.target = target{kind: targetTrait, key: key}
		switch q.Kind {
		case KindLocation:
			for i := range q.Options {
				o := &q.Options[i]
				if !contains(TraitVocabulary[key], o.Value) {
					l.add(l.line(q, "options"), q.ID, "location option %q must be a %s value (%s)", o.Value, key, strings.Join(TraitVocabulary[key], ", "))
					continue
				}
				o.traitList = append([]kv{{key, o.Value, key + "." + o.Value}}, o.traitList...)
			}
		case KindScale, KindNumber:
			l.checkBands(q, key)
		default:
			l.add(line, q.ID, "a %s question cannot set a trait", q.Kind)
		}
	default:
		l.add(line, q.ID, "unknown trait target %q: use name, concern.KEY or trait.KEY with a key from docs/PROFILE.md", t)
	}
	if q.target.kind != targetTrait && len(q.Bands) > 0 {
		l.add(l.line(q, "bands"), q.ID, "bands need trait: trait.KEY")
	}
}

func (l *loader) checkBands(q *Question, key string) {
	line := l.line(q, "bands")
	if len(q.Bands) == 0 {
		l.add(line, q.ID, "a %s question that sets trait %s needs bands", q.Kind, key)
		return
	}
	for i := range q.Bands {
		b := &q.Bands[i]
		if !contains(TraitVocabulary[key], b.Value) {
			l.add(line, q.ID, "band value %q is not a %s value (%s)", b.Value, key, strings.Join(TraitVocabulary[key], ", "))
		}
		if b.Below == nil && i != len(q.Bands)-1 {
			l.add(line, q.ID, "only the last band may leave out below")
		}
		if i > 0 && b.Below != nil && q.Bands[i-1].Below != nil && *b.Below <= *q.Bands[i-1].Below {
			l.add(line, q.ID, "bands must be in increasing order of below")
		}
		b.ev = key + "." + b.Value
	}
}

// setsTrait etc. report which profile keys a question can set.
func (q *Question) setsTrait(key, value string) bool {
	if q.target.kind == targetTrait && q.target.key == key {
		if value == "" {
			return true
		}
		for _, b := range q.Bands {
			if b.Value == value {
				return true
			}
		}
	}
	for _, o := range q.Options {
		for _, t := range o.traitList {
			if t.key == key && (value == "" || t.value == value) {
				return true
			}
		}
	}
	return false
}

func (q *Question) sets(scope, key string) bool {
	switch scope {
	case scopeTraits:
		return q.setsTrait(key, "")
	case scopeFlags:
		for _, o := range q.Options {
			for _, f := range o.flagList {
				if f.key == key {
					return true
				}
			}
		}
	case scopeConcerns:
		if q.target.kind == targetConcern && q.target.key == key {
			return true
		}
		for _, o := range q.Options {
			for _, c := range o.concernList {
				if c.key == key {
					return true
				}
			}
		}
	}
	return false
}

func (l *loader) checkCondition(quiz *Quiz, q *Question) {
	if q.ShowIf == "" {
		return
	}
	line := l.line(q, "show_if")
	if _, err := parser.Parse(q.ShowIf); err != nil {
		l.add(line, q.ID, "show_if does not compile: %s", conditionError(err))
		return
	}
	info := analyzeCondition(q.ShowIf)
	for _, scope := range sortedKeys(info.dynamic) {
		l.add(line, q.ID, "show_if must name what it reads: write %s.NAME (or answered(\"ID\")) with a fixed name", strings.TrimSuffix(scope, "()"))
	}
	problems := len(l.problems)
	deps := map[int]bool{}
	for _, r := range info.refs {
		switch r.scope {
		case scopeAnswers:
			other := quiz.byID[r.key]
			switch {
			case other == nil:
				l.add(line, q.ID, "show_if refers to unknown question %q", r.key)
			case other.index >= q.index:
				l.add(line, q.ID, "show_if refers to question %q, which is not asked before this one (a condition may only use earlier answers)", r.key)
			default:
				deps[other.index] = true
			}
		case scopeTraits:
			if TraitVocabulary[r.key] == nil {
				l.add(line, q.ID, "show_if uses unknown trait %q", r.key)
			}
		case scopeFlags:
			if !knownFlag(r.key) {
				l.add(line, q.ID, "show_if uses unknown flag %q", r.key)
			}
		case scopeConcerns:
			if !knownConcern(r.key) {
				l.add(line, q.ID, "show_if uses unknown concern %q", r.key)
			}
		}
		if r.scope != scopeAnswers {
			for _, other := range quiz.questions[:q.index] {
				if other.sets(r.scope, r.key) {
					deps[other.index] = true
				}
			}
		}
	}
	for _, c := range info.comparisons {
		switch c.scope {
		case scopeAnswers:
			other := quiz.byID[c.key]
			if other == nil || other.stub || other.Kind == KindText || other.Kind == KindScale || other.Kind == KindNumber {
				continue
			}
			if other.Option(c.value) == nil {
				l.add(line, q.ID, "show_if compares answers.%s with %q, but that question only offers %s, so this test can never match", c.key, c.value, optionValues(other))
			}
		case scopeTraits:
			if keyOK, valueOK := knownTrait(c.key, c.value); keyOK && !valueOK {
				l.add(line, q.ID, "show_if compares traits.%s with %q, which is not one of %s", c.key, c.value, strings.Join(TraitVocabulary[c.key], ", "))
				continue
			}
			found := false
			for _, other := range quiz.questions[:q.index] {
				found = found || other.stub || other.setsTrait(c.key, c.value) // a stub might set it
			}
			if !found && TraitVocabulary[c.key] != nil {
				l.add(line, q.ID, "show_if looks for traits.%s = %q, but no earlier question sets it, so this test can never match", c.key, c.value)
			}
		}
	}
	if len(l.problems) > problems {
		return // unknown names would only make the compiler's message less clear
	}
	prog, err := compileCondition(q.ShowIf, quiz.declared())
	if err != nil {
		l.add(line, q.ID, "show_if does not compile: %s", conditionError(err))
		return
	}
	q.program = prog
	for _, r := range info.refs {
		if r.scope == scopeConcerns {
			quiz.boxConcerns = true
		}
	}
	for d := range deps {
		q.deps = append(q.deps, d)
	}
	sort.Ints(q.deps)
}

func optionValues(q *Question) string {
	vals := make([]string, len(q.Options))
	for i, o := range q.Options {
		vals[i] = o.Value
	}
	return strings.Join(vals, ", ")
}

// prepare computes the sizes the engine uses to presize per-step maps.
func (quiz *Quiz) prepare() {
	traits, flags, concerns, evidence := map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}
	values := 0
	for _, q := range quiz.questions {
		if q.Kind == KindScale && q.Step != nil && (*q.Max-*q.Min) / *q.Step <= 100 {
			for f := *q.Min; f <= *q.Max+1e-9; f += *q.Step {
				label := ""
				for _, b := range q.Bands {
					if b.Below == nil || f < *b.Below {
						label = b.Value
						break
					}
				}
				q.phrases = append(q.phrases, q.phrase(fmtNum(f), label))
			}
		}
		if q.Kind == KindLocation {
			for i := range q.Options {
				o := &q.Options[i]
				o.postalEvidence = "your postal code suggests a " + strings.ToLower(o.Label) + " climate"
			}
		}
		if q.target.kind == targetTrait {
			traits[q.target.key] = true
			values++
			for _, b := range q.Bands {
				evidence[b.ev] = true
			}
		}
		if q.target.kind == targetConcern {
			concerns[q.target.key] = true
			evidence[q.target.ev] = true
		}
		for _, o := range q.Options {
			for _, t := range o.traitList {
				traits[t.key], evidence[t.ev] = true, true
				values++
			}
			for _, f := range o.flagList {
				flags[f.key], evidence[f.ev] = true, true
			}
			for _, c := range o.concernList {
				concerns[c.key], evidence[c.ev] = true, true
			}
		}
	}
	quiz.traitKeys, quiz.flagKeys, quiz.concernKeys, quiz.evidenceKeys, quiz.traitValues = len(traits), len(flags), len(concerns), len(evidence), values
}

// checkReachable looks for a condition that is false whatever the earlier answers it depends on:
// it tries every combination of their values (options, subsets of small multi questions, the
// bounds of numbers and the constants the condition mentions, and "not answered"). When the
// combinations are too many, or cannot cover every case, it concludes nothing.
func (l *loader) checkReachable(quiz *Quiz, q *Question) {
	if q.program == nil {
		return
	}
	info := analyzeCondition(q.ShowIf)
	var choices [][]any
	total := 1
	exhaustive := true
	for _, d := range q.deps {
		c, ex := candidates(quiz.questions[d], info)
		exhaustive = exhaustive && ex
		choices = append(choices, c)
		total *= len(c)
		if total > maxSearch || total > l.budget {
			return
		}
	}
	l.budget -= total
	e := quiz.getEnv()
	defer quiz.putEnv(e)
	pick := make([]int, len(choices))
	for {
		e.reset()
		for k, d := range q.deps {
			dq := quiz.questions[d]
			if v := choices[k][pick[k]]; v != absent {
				e.setAnswer(dq, v)
			}
		}
		if e.eval(q) {
			return
		}
		k := 0
		for ; k < len(pick); k++ {
			pick[k]++
			if pick[k] < len(choices[k]) {
				break
			}
			pick[k] = 0
		}
		if k == len(pick) {
			break
		}
	}
	if exhaustive {
		l.add(l.line(q, "show_if"), q.ID, "this question can never be shown: show_if is false for every combination of the earlier answers it depends on")
	}
}

type absentT struct{}

var absent any = absentT{}

func candidates(q *Question, info condInfo) ([]any, bool) {
	out := []any{absent}
	switch q.Kind {
	case KindSingle, KindLocation:
		for _, o := range q.Options {
			out = append(out, o.Value)
		}
		return out, true
	case KindMulti:
		n := len(q.Options)
		if n <= 8 {
			for mask := 0; mask < 1<<n; mask++ {
				var list []string
				for i := 0; i < n; i++ {
					if mask&(1<<i) != 0 {
						list = append(list, q.Options[i].Value)
					}
				}
				if list == nil {
					list = []string{}
				}
				out = append(out, list)
			}
			return out, true
		}
		all := []string{}
		for _, o := range q.Options {
			out = append(out, []string{o.Value})
			all = append(all, o.Value)
		}
		return append(out, []string{}, all), false
	case KindScale, KindNumber:
		seen := map[float64]bool{}
		addNum := func(f float64) {
			if !seen[f] && (q.Min == nil || f >= *q.Min) && (q.Max == nil || f <= *q.Max) {
				seen[f] = true
				out = append(out, f)
			}
		}
		if q.Min != nil {
			addNum(*q.Min)
		}
		if q.Max != nil {
			addNum(*q.Max)
		}
		for _, f := range info.numbers {
			addNum(f - 1)
			addNum(f)
			addNum(f + 1)
			addNum(f - 0.5)
			addNum(f + 0.5)
		}
		addNum(0)
		return out, true
	case KindText:
		out = append(out, "x")
		for _, s := range info.strings {
			out = append(out, s)
		}
		return out, true
	}
	return out, false
}
