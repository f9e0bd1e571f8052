package questionnaire

import (
	"fmt"
	"reflect"
	"testing"
)

// interesting reports, for each question, the option values that some later condition looks
// at (directly or through the traits and flags they set): only those need to vary to cover
// every branch.
func interesting(quiz *Quiz) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	mark := func(q *Question, v string) {
		if out[q.ID] == nil {
			out[q.ID] = map[string]bool{}
		}
		out[q.ID][v] = true
	}
	for _, q := range quiz.questions {
		if q.ShowIf == "" {
			continue
		}
		info := analyzeCondition(q.ShowIf)
		for _, c := range info.comparisons {
			for _, other := range quiz.questions[:q.index] {
				for _, o := range other.Options {
					if c.scope == scopeAnswers && c.key == other.ID && c.value == o.Value {
						mark(other, o.Value)
					}
					for _, t := range o.traitList {
						if c.scope == scopeTraits && c.key == t.key && c.value == t.value {
							mark(other, o.Value)
						}
					}
				}
			}
		}
		for _, r := range info.refs {
			for _, other := range quiz.questions[:q.index] {
				for _, o := range other.Options {
					for _, f := range o.flagList {
						if r.scope == scopeFlags && r.key == f.key {
							mark(other, o.Value)
						}
					}
				}
			}
		}
	}
	return out
}

// choices lists the answers tried at a question: every option of a branching single question,
// the interesting options one at a time plus a plain one for multi questions, the bounds of
// scales; non-branching questions get one answer that rotates with the path number, so that
// across paths every option is still used.
func choices(q *Question, interest map[string]bool, turn int) []any {
	switch q.Kind {
	case KindSingle, KindLocation:
		if len(interest) > 0 || q.ID == "focus" {
			var out []any
			for _, o := range q.Options {
				out = append(out, o.Value)
			}
			return out
		}
		if q.Kind == KindLocation && turn%5 == 0 {
			return []any{"10001"}
		}
		return []any{q.Options[turn%len(q.Options)].Value}
	case KindMulti:
		var out []any
		var plain []string
		for _, o := range q.Options {
			if interest[o.Value] {
				out = append(out, []string{o.Value})
			} else if len(plain) < int(*q.Max) && len(plain) < 2 {
				plain = append(plain, q.Options[(turn+len(plain))%len(q.Options)].Value)
			}
		}
		if len(plain) == 0 {
			plain = []string{q.Options[0].Value}
		}
		return append(out, plain)
	case KindScale, KindNumber:
		if turn%2 == 0 {
			return []any{*q.Min}
		}
		return []any{*q.Max}
	case KindText:
		return []any{"Maya"}
	}
	return nil
}

func TestDefaultQuizEveryPath(t *testing.T) {
	quiz := Default()
	interest := interesting(quiz)
	paths, minLen, maxLen := 0, 1000, 0
	seen := map[string]bool{}
	var walk func(a Answers, depth int)
	walk = func(a Answers, depth int) {
		st := quiz.State(a)
		if st.Done {
			paths++
			checkProfile(t, quiz, a, st)
			minLen, maxLen = min(minLen, len(st.Path)), max(maxLen, len(st.Path))
			for _, q := range st.Path {
				seen[q.ID] = true
			}
			return
		}
		if depth > len(quiz.questions) {
			t.Fatalf("no progress at %s with %v", st.Next.ID, a)
		}
		for _, v := range choices(st.Next, interest[st.Next.ID], paths) {
			next, err := quiz.Answer(a, st.Next.ID, v)
			if err != nil {
				t.Fatalf("answer %s=%v: %v", st.Next.ID, v, err)
			}
			got := quiz.State(next)
			if got.Progress.Answered != st.Progress.Answered+1 || got.Progress.Percent < st.Progress.Percent {
				t.Fatalf("progress went from %+v to %+v after %s", st.Progress, got.Progress, st.Next.ID)
			}
			// AnswerPosition is Answer then State, in one go.
			same, pos, err := quiz.AnswerPosition(a, st.Next.ID, v)
			if err != nil || !reflect.DeepEqual(same, next) || !reflect.DeepEqual(pos, got.Position) {
				t.Fatalf("AnswerPosition %s=%v differs from Answer+State (err %v)", st.Next.ID, v, err)
			}
			if got.Trail != quiz.Trail(next) {
				t.Fatalf("State.Trail %q, Trail %q", got.Trail, quiz.Trail(next))
			}
			walk(next, depth+1)
		}
	}
	walk(Answers{}, 0)
	t.Logf("walked %d paths of the default quiz; a person is asked %d to %d questions", paths, minLen, maxLen)
	if minLen < 15 || maxLen > 30 {
		t.Errorf("path lengths %d..%d, want within 15..30", minLen, maxLen)
	}
	for _, q := range quiz.questions {
		if !seen[q.ID] {
			t.Errorf("question %s is never reached", q.ID)
		}
	}
}

func checkProfile(t *testing.T, quiz *Quiz, a Answers, st State) {
	t.Helper()
	p := st.Profile
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("%s\nanswers: %v", fmt.Sprintf(format, args...), a)
	}
	if p.Name == "" {
		fail("no name")
	}
	if len(p.Traits["lines"]) == 0 || len(p.Traits["focus"]) == 0 {
		fail("no lines or focus: %v", p.Traits)
	}
	required := []string{"climate", "texture", "colour", "budget"}
	for _, f := range p.Traits["focus"] {
		switch f {
		case "hair":
			required = append(required, "hair_type", "hair_thickness", "scalp", "hair_goal")
		case "skin":
			required = append(required, "skin_type", "sensitivity")
		}
	}
	for _, k := range required {
		if len(p.Traits[k]) == 0 {
			fail("trait %s missing: %v", k, p.Traits)
		}
	}
	if len(p.Traits["fragrance"]) == 0 && !p.Flags["fragrance_free"] {
		fail("neither a fragrance nor fragrance-free")
	}
	for k, vs := range p.Traits {
		for _, v := range vs {
			if _, ok := knownTrait(k, v); !ok {
				fail("trait %s=%s not in the vocabulary", k, v)
			}
			if p.Evidence[k+"."+v] == "" {
				fail("no evidence for %s.%s", k, v)
			}
		}
	}
	for k, w := range p.Concerns {
		if !knownConcern(k) || w <= 0 || w > 1 {
			fail("concern %s=%v", k, w)
		}
	}
	for k := range p.Flags {
		if !knownFlag(k) {
			fail("flag %s", k)
		}
	}
	if len(p.Summary()) < 4 {
		fail("summary too short: %v", p.Summary())
	}
}
