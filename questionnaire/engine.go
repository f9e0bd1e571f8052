package questionnaire

import (
	"math"
	"strings"
	"sync"
)

// status is where a question stands for one person, given their answers.
type status uint8

const (
	stHidden   status = iota // not shown: its condition is false and cannot change any more
	stAnswered               // shown and answered (or skipped, when optional)
	stNext                   // shown and not answered: the question to ask now
	stAhead                  // after the next question; shown, or may still be shown
)

// Progress counts what this person is asked.
//
// Answered is the number of questions on their path they have answered (or skipped). Total is
// Answered, plus one for the next question, plus every question after it whose condition is true
// on the answers so far or still depends on a question not answered yet (an optimistic count:
// the total only shrinks as branches close, so the bar moves forward rather than back).
// Percent is Answered*100/Total rounded down, and is 100 only when the quiz is done.
type Progress struct {
	Answered int `json:"answered"`
	Total    int `json:"total"`
	Percent  int `json:"percent"`
}

// Position is where a person stands in the quiz: what to ask now, the way so far and ahead.
type Position struct {
	// Next is the question to ask now, or nil when every question on their path is answered.
	Next *Question
	// Path lists, in quiz order, the questions this person is shown: those answered and Next.
	// (Answers kept after an edit of an earlier question stay on the path after Next.)
	Path []*Question
	// Ahead lists the questions after Next that are or may still be shown.
	Ahead    []*Question
	Progress Progress
	Done     bool
	// Trail is Quiz.Trail of the answers.
	Trail string
}

// State is a Position with the Profile its answers build.
type State struct {
	Position
	// Profile is built from the answers on Path only.
	Profile Profile
}

type pool struct{ p sync.Pool }

func (q *Quiz) getEnv() *env {
	if e, ok := q.envPool.p.Get().(*env); ok {
		return e
	}
	e := &env{
		vars:     q.declared(),
		Traits:   make(map[string]*[]string, len(TraitVocabulary)),
		Flags:    make(map[string]bool, q.flagKeys),
		Concerns: make(map[string]float64, q.concernKeys),
		evidence: make(map[string]string, q.evidenceKeys),
		status:   make([]status, len(q.questions)),
		set:      make([]*Question, 0, len(q.questions)),
		quiz:     q,
	}
	for k, name := range traitVar {
		list := make([]string, 0, 4)
		e.Traits[k] = &list
		e.vars[name] = &list
	}
	return e
}

func (q *Quiz) putEnv(e *env) { q.envPool.p.Put(e) }

func (e *env) reset() {
	for _, qu := range e.set {
		e.vars[qu.ansKey] = nil
		e.vars[qu.answeredKey] = false
	}
	e.set = e.set[:0]
	for _, list := range e.Traits {
		*list = (*list)[:0]
	}
	for k := range e.Flags {
		e.vars[flagVar[k]] = false
	}
	clear(e.Flags)
	if e.quiz.boxConcerns {
		for k := range e.Concerns {
			e.vars[concernVar[k]] = 0.0
		}
	}
	clear(e.Concerns)
	clear(e.evidence)
	e.name = ""
}

// setAnswer makes a visible answer readable by later conditions and applies its effects.
func (e *env) setAnswer(qu *Question, v any) {
	e.vars[qu.ansKey] = v
	e.vars[qu.answeredKey] = true
	e.set = append(e.set, qu)
	e.apply(qu, v)
}

func (e *env) addConcern(key, v string, w float64) {
	e.Concerns[key] += w
	if e.quiz.boxConcerns {
		e.vars[v] = e.Concerns[key] // boxing a float allocates: only done when a condition reads concerns
	}
}

// walk decides the status of every question for these answers and leaves in e the effects of
// the answers on the path. It returns the index of the next question, or -1.
//
// One pass in quiz order is enough: a condition reads only earlier questions (the loader checks
// it), so when a question is reached every question it can depend on is already settled.
func (q *Quiz) walk(answers Answers, e *env) int {
	e.reset()
	next := -1
	for i, qu := range q.questions {
		visible := qu.program == nil || e.eval(qu)
		if !visible {
			e.status[i] = stHidden
			if next >= 0 && e.unsettled(qu) {
				e.status[i] = stAhead
			}
			continue
		}
		v, ok := answers[qu.ID]
		switch {
		case ok && qu.fits(v):
			e.status[i] = stAnswered
			e.setAnswer(qu, v)
		case next < 0:
			e.status[i] = stNext
			next = i
		default:
			e.status[i] = stAhead
		}
	}
	return next
}

func (e *env) eval(qu *Question) bool {
	out, err := e.machine.Run(qu.program, e.vars)
	if err != nil {
		return false // e.g. comparing an unanswered (nil) value with a number
	}
	b, _ := out.(bool)
	return b
}

// unsettled reports whether a hidden question's condition may still turn true: it depends on
// the next question or on one that may still be shown.
func (e *env) unsettled(qu *Question) bool {
	for _, d := range qu.deps {
		if s := e.status[d]; s == stNext || s == stAhead {
			return true
		}
	}
	return false
}

// State returns where a person with these answers stands. Answers to questions that are not on
// their path are ignored (Answer removes them when it stores a change).
func (q *Quiz) State(answers Answers) State {
	e := q.getEnv()
	defer q.putEnv(e)
	return State{Position: q.positionOf(e, q.walk(answers, e)), Profile: q.profile(e)}
}

// positionOf builds the Position from a finished walk whose next question is next.
func (q *Quiz) positionOf(e *env, next int) Position {
	var st Position
	nPath, nAhead := 0, 0
	for _, s := range e.status {
		switch s {
		case stAnswered, stNext:
			nPath++
		case stAhead:
			nAhead++
		}
	}
	st.Path = make([]*Question, 0, nPath)
	if nAhead > 0 {
		st.Ahead = make([]*Question, 0, nAhead)
	}
	for i, s := range e.status {
		switch s {
		case stAnswered, stNext:
			st.Path = append(st.Path, q.questions[i])
		case stAhead:
			st.Ahead = append(st.Ahead, q.questions[i])
		}
	}
	answered := nPath
	if next >= 0 {
		st.Next = q.questions[next]
		answered--
	}
	st.Done = next < 0
	st.Progress = Progress{Answered: answered, Total: nPath + nAhead}
	switch {
	case st.Done:
		st.Progress.Percent = 100
	case st.Progress.Total > 0:
		st.Progress.Percent = min(99, answered*100/st.Progress.Total)
	}
	st.Trail = trailOf(e.status)
	return st
}

// Answer validates raw as the answer to questionID and returns the new answers; answers itself
// is not modified. raw may be a string, a number (float64, int, json.Number or a numeric
// string), a []string or a []any of strings, or nil/"" to skip an optional question.
//
// Only the next question and questions already on the person's path may be answered; anything
// else is ErrNotShown (ErrUnknownQuestion for an id the quiz does not have). An invalid value is
// an *AnswerError. Changing an earlier answer keeps later answers whose questions are still
// shown and drops those that are no longer shown.
func (q *Quiz) Answer(answers Answers, questionID string, raw any) (Answers, error) {
	e := q.getEnv()
	defer q.putEnv(e)
	out, _, err := q.answer(answers, questionID, raw, e)
	return out, err
}

// AnswerPosition is Answer that also returns where the person stands with the new answers:
// the Position of q.State(out), without walking the quiz again (nor building the profile,
// which an answer step does not show).
func (q *Quiz) AnswerPosition(answers Answers, questionID string, raw any) (Answers, Position, error) {
	e := q.getEnv()
	defer q.putEnv(e)
	out, next, err := q.answer(answers, questionID, raw, e)
	if err != nil {
		return nil, Position{}, err
	}
	return out, q.positionOf(e, next), nil
}

// answer is Answer; it leaves in e the walk of the new answers and returns its next question.
func (q *Quiz) answer(answers Answers, questionID string, raw any, e *env) (Answers, int, error) {
	qu := q.byID[questionID]
	if qu == nil {
		return nil, -1, ErrUnknownQuestion
	}
	q.walk(answers, e)
	if s := e.status[qu.index]; s != stAnswered && s != stNext {
		return nil, -1, ErrNotShown
	}
	v, err := qu.normalise(raw)
	if err != nil {
		return nil, -1, err
	}
	out := make(Answers, len(answers)+1)
	for k, val := range answers {
		if q.byID[k] != nil {
			out[k] = val
		}
	}
	out[questionID] = v
	// Drop answers whose questions are now hidden for good. One walk settles everything (see
	// walk); the loop re-checks until nothing changes, which costs one more walk.
	for {
		next := q.walk(out, e)
		dropped := false
		for i, s := range e.status {
			if id := q.questions[i].ID; s == stHidden {
				if _, ok := out[id]; ok {
					delete(out, id)
					dropped = true
				}
			}
		}
		if !dropped {
			return out, next, nil
		}
	}
}

// Back returns the question this person saw before current: the question before current on
// their path. When current is not on the path (or is ""), it is the question before the next
// one, or the last question when the quiz is done. ok is false at the first question.
func (q *Quiz) Back(answers Answers, current string) (prev string, ok bool) {
	e := q.getEnv()
	defer q.putEnv(e)
	next := q.walk(answers, e)
	var path []string
	for i, s := range e.status {
		if s == stAnswered || s == stNext {
			path = append(path, q.questions[i].ID)
		}
	}
	at := indexOf(path, current)
	if at < 0 {
		at = len(path) // done: step back to the last question
		if next >= 0 {
			at = indexOf(path, q.questions[next].ID)
		}
	}
	if at <= 0 {
		return "", false
	}
	return path[at-1], true
}

// Following returns the question to show after current: the next one on the person's path
// (which may be an answered question kept after an edit, shown again for confirmation). ok is
// false when current is the last question on the path or is not on it.
func (q *Quiz) Following(answers Answers, current string) (string, bool) {
	st := q.State(answers)
	return st.Following(current)
}

// Following is Quiz.Following for the answers this Position was made from.
func (st *Position) Following(current string) (string, bool) {
	for i, qu := range st.Path {
		if qu.ID == current {
			if i+1 < len(st.Path) {
				return st.Path[i+1].ID, true
			}
			return "", false
		}
	}
	return "", false
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

// apply adds the effects of a visible answer to the environment.
func (e *env) apply(qu *Question, v any) {
	switch qu.Kind {
	case KindSingle:
		if s, ok := v.(string); ok {
			if o := qu.Option(s); o != nil {
				e.applyOption(o)
			}
		}
	case KindMulti:
		list, _ := v.([]string)
		for _, s := range list {
			if o := qu.Option(s); o != nil {
				e.applyOption(o)
			}
		}
	case KindLocation:
		s, _ := v.(string)
		o, postal := qu.climateOption(s)
		if o == nil {
			return
		}
		if postal && len(o.traitList) > 0 {
			// The option's own traits include the target trait (see finish); say where it came from.
			e.setEvidence(o.traitList[0].ev, o.postalEvidence)
		}
		e.applyOption(o)
	case KindScale, KindNumber:
		f, ok := v.(float64)
		if !ok {
			return
		}
		switch qu.target.kind {
		case targetConcern:
			lo, hi := *qu.Min, *qu.Max
			w := (f - lo) / (hi - lo)
			if w > 0 {
				e.addConcern(qu.target.key, concernVar[qu.target.key], w)
				if _, ok := e.evidence[qu.target.ev]; !ok {
					e.evidence[qu.target.ev] = qu.phraseFor(f, "")
				}
			}
		case targetTrait:
			for _, b := range qu.Bands {
				if b.Below == nil || f < *b.Below {
					e.addTrait(qu.target.key, b.Value)
					if _, ok := e.evidence[b.ev]; !ok {
						e.evidence[b.ev] = qu.phraseFor(f, b.Value)
					}
					break
				}
			}
		}
	case KindText:
		if s, ok := v.(string); ok && qu.target.kind == targetName {
			e.name = s
		}
	}
}

func (e *env) applyOption(o *Option) {
	for _, t := range o.traitList {
		e.addTrait(t.key, t.value)
		e.setEvidence(t.ev, o.Evidence)
	}
	for _, f := range o.flagList {
		e.Flags[f.key] = f.value
		e.vars[f.v] = f.value
		if f.value {
			e.setEvidence(f.ev, o.Evidence)
		}
	}
	for _, c := range o.concernList {
		e.addConcern(c.key, c.v, c.weight)
		if c.weight > 0 {
			e.setEvidence(c.ev, o.Evidence)
		}
	}
}

func (e *env) addTrait(key, value string) {
	list := e.Traits[key]
	if contains(*list, value) {
		return
	}
	*list = append(*list, value)
}

// setEvidence keeps the first phrase given for an evidence key.
func (e *env) setEvidence(key, phrase string) {
	if phrase == "" {
		return
	}
	if _, ok := e.evidence[key]; !ok {
		e.evidence[key] = phrase
	}
}

// phraseFor returns the evidence phrase for a number; scale phrases are built once in prepare.
func (qu *Question) phraseFor(f float64, label string) string {
	if qu.Kind == KindScale && len(qu.phrases) > 0 {
		i := int(math.Round((f - *qu.Min) / *qu.Step))
		if i >= 0 && i < len(qu.phrases) {
			return qu.phrases[i]
		}
	}
	return qu.phrase(fmtNum(f), label)
}

// phrase fills a question's evidence template.
func (qu *Question) phrase(value, label string) string {
	tpl := qu.Evidence
	if tpl == "" {
		return "you answered " + value + " to \u201c" + qu.Prompt + "\u201d"
	}
	if !strings.Contains(tpl, "{") {
		return tpl
	}
	max := ""
	if qu.Max != nil {
		max = fmtNum(*qu.Max)
	}
	return strings.NewReplacer("{value}", value, "{label}", label, "{max}", max, "{unit}", qu.Unit).Replace(tpl)
}

func clamp01(f float64) float64 { return math.Max(0, math.Min(1, f)) }
