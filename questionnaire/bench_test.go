package questionnaire

import "testing"

// samplePath answers the default quiz along one long path (both hair and skin).
func samplePath(tb testing.TB, quiz *Quiz) []Answers {
	tb.Helper()
	picks := map[string]any{
		"focus": "both", "hair_lines": []string{"shampoo", "hair_mask"}, "skin_lines": []string{"serum"},
		"hair_type": "curly", "curl_pattern": "defined", "hair_thickness": "fine", "scalp": "oily",
		"hair_concerns": []string{"dryness", "frizz"}, "dryness_level": 4.0, "colour_treated": "colour",
		"heat_styling": "weekly", "wash_frequency": "few_days", "hair_goals": []string{"moisture", "shine"},
		"skin_type": "combination", "sensitivity": "high", "skin_reactions": []string{"redness"},
		"skin_triggers": []string{"acids"}, "skin_concerns": []string{"acne", "dullness"}, "breakout_level": 3.0,
		"age_range": "a25_34", "sun_exposure": "some", "routine": "basic", "actives": "irritated",
		"pregnancy": "no", "climate": "10001", "fragrance": "citrus", "texture": "light",
		"values": []string{"vegan"}, "colour": "sage", "budget": "standard", "name": "Maya",
	}
	steps := []Answers{{}}
	a := Answers{}
	for {
		st := quiz.State(a)
		if st.Done {
			return steps
		}
		v, ok := picks[st.Next.ID]
		if !ok {
			tb.Fatalf("no pick for %s", st.Next.ID)
		}
		var err error
		if a, err = quiz.Answer(a, st.Next.ID, v); err != nil {
			tb.Fatalf("%s: %v", st.Next.ID, err)
		}
		steps = append(steps, a)
	}
}

// BenchmarkStep measures one engine step (next question, progress and profile) early, midway
// and late in a 30-question path.
func BenchmarkStep(b *testing.B) {
	quiz := Default()
	steps := samplePath(b, quiz)
	for _, at := range []struct {
		name string
		i    int
	}{{"early", 1}, {"mid", len(steps) / 2}, {"late", len(steps) - 2}, {"done", len(steps) - 1}} {
		a := steps[at.i]
		b.Run(at.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = quiz.State(a)
			}
		})
	}
}

// BenchmarkAnswer measures validating and storing one answer (two walks plus the check).
func BenchmarkAnswer(b *testing.B) {
	quiz := Default()
	steps := samplePath(b, quiz)
	a := steps[len(steps)/2]
	next := quiz.State(a).Next
	b.ReportAllocs()
	for b.Loop() {
		if _, err := quiz.Answer(a, next.ID, next.Options[0].Value); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadDefault measures loading and checking the default quiz (done once at start-up).
func BenchmarkLoadDefault(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(defaultYAML); err != nil {
			b.Fatal(err)
		}
	}
}
