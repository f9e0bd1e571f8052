package catalog

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"atelier/questionnaire"
)

// quizProfiles walks n random paths through the embedded default quiz and returns the
// profiles they end with, converted as the web layer converts them. The walk is seeded, so
// the profiles are the same on every run. The quiz is only a test dependency: catalog
// itself never imports questionnaire (docs/PROFILE.md).
func quizProfiles(tb testing.TB, n int) []Profile {
	tb.Helper()
	quiz := questionnaire.Default()
	r := rand.New(rand.NewPCG(7, 11))
	names := []string{"Maya", "Alexandra Fontaine-Roy", "WWWWWWWWWWWWWWWWWWWWWWWW", "Jo"}
	var out []Profile
	for i := 0; i < n; i++ {
		a := questionnaire.Answers{}
		for steps := 0; ; steps++ {
			st := quiz.State(a)
			if st.Done {
				out = append(out, Profile(st.Profile))
				break
			}
			if steps > len(quiz.Questions()) {
				tb.Fatalf("path %d makes no progress at %s", i, st.Next.ID)
			}
			next, err := quiz.Answer(a, st.Next.ID, randomAnswer(r, st.Next, names))
			if err != nil {
				tb.Fatalf("path %d: answer %s: %v", i, st.Next.ID, err)
			}
			a = next
		}
	}
	return out
}

func randomAnswer(r *rand.Rand, q *questionnaire.Question, names []string) any {
	switch q.Kind {
	case questionnaire.KindSingle, questionnaire.KindLocation:
		return q.Options[r.IntN(len(q.Options))].Value
	case questionnaire.KindMulti:
		lo, hi := int(*q.Min), int(*q.Max)
		k := max(lo, 1) + r.IntN(max(hi-max(lo, 1), 0)+1)
		var picks []string
		for _, i := range r.Perm(len(q.Options))[:k] {
			picks = append(picks, q.Options[i].Value)
		}
		return picks
	case questionnaire.KindScale:
		steps := int((*q.Max - *q.Min) / *q.Step)
		return *q.Min + float64(r.IntN(steps+1))**q.Step
	case questionnaire.KindNumber:
		lo, hi := 18.0, 80.0
		if q.Min != nil {
			lo = *q.Min
		}
		if q.Max != nil {
			hi = *q.Max
		}
		return lo + float64(r.IntN(int(hi-lo)+1))
	case questionnaire.KindText:
		return names[r.IntN(len(names))]
	}
	return nil
}

// TestReasonsQuoteQuizEvidence checks the contract of docs/PROFILE.md end to end: for every
// score hint that counts towards a recommended product, the quiz stored the shopper's own
// words under the hint's key, so no reason falls back to the generic "your scalp is dry".
func TestReasonsQuoteQuizEvidence(t *testing.T) {
	c := mustDefault(t)
	for i, p := range quizProfiles(t, 60) {
		products, err := c.Recommend(p)
		if err != nil {
			t.Fatalf("profile %d: %v", i, err)
		}
		for _, prod := range products {
			l := c.byID[prod.Line]
			for _, ch := range prod.Choices {
				d := l.byDim[ch.Dimension]
				for _, id := range ch.Options {
					o := d.byID[id]
					for _, h := range o.hints {
						if h.value(&p) > 0 && strings.TrimSpace(p.Evidence[h.key]) == "" {
							t.Errorf("profile %d, %s %s.%s: hint %s applies but the quiz left no evidence under %q (evidence keys: %v)",
								i, prod.Line, d.id, o.id, h.key, h.key, keys(p.Evidence))
						}
					}
				}
				for _, reason := range ch.Reasons {
					for _, k := range p.Traits {
						for _, v := range k {
							if strings.Contains(reason, " is "+strings.ReplaceAll(v, "_", " ")) && strings.Contains(reason, ": your ") {
								t.Errorf("profile %d, %s %s: generic reason %q", i, prod.Line, ch.Dimension, reason)
							}
						}
					}
				}
			}
		}
		if t.Failed() {
			return
		}
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestEveryChoiceHasAReason: a shopper reads why each part of their product was chosen, even
// a part no answer asks for (a dropper cap that the bottle forces, the line's standard pump).
func TestEveryChoiceHasAReason(t *testing.T) {
	c := mustDefault(t)
	profiles := append([]Profile{{}, curlyProfile(), fineProfile()}, quizProfiles(t, 30)...)
	for i, p := range profiles {
		for _, l := range c.lines {
			prod, err := l.Best(p)
			if err != nil {
				continue // the hard rules leave nothing of this line
			}
			for _, ch := range prod.Choices {
				if len(ch.Reasons) == 0 {
					t.Errorf("profile %d, %s: %s (%v) has no reason", i, l.id, ch.Dimension, ch.Options)
				}
				for _, r := range ch.Reasons {
					if strings.TrimSpace(r) == "" {
						t.Errorf("profile %d, %s: %s has an empty reason", i, l.id, ch.Dimension)
					}
				}
			}
		}
	}
}

// TestReasonsWithoutProfileSignal pins the wording of the reasons that no answer gives.
func TestReasonsWithoutProfileSignal(t *testing.T) {
	c := mustDefault(t)
	serum, _ := c.Line("serum")
	prod, err := serum.Best(Profile{})
	if err != nil {
		t.Fatal(err)
	}
	reasons := map[string]string{}
	for _, ch := range prod.Choices {
		reasons[ch.Dimension] = strings.Join(ch.Reasons, " | ")
		if ch.Personal {
			t.Errorf("%s: personal without a profile: %q", ch.Dimension, ch.Reasons)
		}
	}
	wants := map[string]string{
		// the dropper bottle is the serum's standard; the cap follows from it
		"bottle": "our standard bottle for the Serum",
		"cap":    "the only closure that goes with your other choices. The pump head fits the airless bottle",
	}
	for dim, want := range wants {
		if !strings.Contains(reasons[dim], want) {
			t.Errorf("%s: reasons %q, want %q", dim, reasons[dim], want)
		}
	}
	// A part the shopper changed by hand, with no answer behind it, is their choice.
	other, err := serum.Customize(prod.Selection(), Selection{"colour": {"sage"}}, Profile{})
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range other.Choices {
		if ch.Dimension == "colour" && !slices.Contains(ch.Reasons, "Sage: your choice") {
			t.Errorf("colour reasons %q", ch.Reasons)
		}
	}
}

// TestReasonRatherThan: an option chosen only because the one listed before it counts against
// the shopper says so, in the shopper's words.
func TestReasonRatherThan(t *testing.T) {
	c, err := Load([]byte(strings.Replace(tiny,
		"- {id: gentle, inci:", "- {id: gentle, score: [{when: sensitivity.low, weight: -1}], inci:", 1)))
	if err != nil {
		t.Fatal(err)
	}
	l, _ := c.Line("shampoo")
	p := Profile{Traits: map[string][]string{"sensitivity": {"low"}},
		Evidence: map[string]string{"sensitivity.low": "you said your skin rarely reacts"}}
	prod, err := l.Best(p)
	if err != nil {
		t.Fatal(err)
	}
	want := "clarifying rather than gentle: you said your skin rarely reacts" // labels default to ids
	if got := prod.Choices[0].Reasons; !slices.Equal(got, []string{want}) {
		t.Errorf("base reasons %q, want %q", got, want)
	}
}
