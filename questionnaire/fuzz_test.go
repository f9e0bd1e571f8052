package questionnaire

import (
	"encoding/json"
	"errors"
	"testing"
)

// FuzzAnswer answers a random question of the default quiz with a random JSON value, after a
// random prefix of a real path: no panic, and the state stays consistent.
func FuzzAnswer(f *testing.F) {
	quiz := Default()
	steps := samplePath(f, quiz)
	f.Add(uint8(0), "focus", `"both"`)
	f.Add(uint8(3), "hair_lines", `["shampoo","shampoo","nope"]`)
	f.Add(uint8(10), "dryness_level", `4.5`)
	f.Add(uint8(30), "name", `"Ana\u0000"`)
	f.Add(uint8(29), "climate", `"SW1A 1AA"`)
	f.Add(uint8(5), "hair_type", `null`)
	f.Add(uint8(7), "budget", `{"a":1}`)
	f.Fuzz(func(t *testing.T, at uint8, id, value string) {
		var raw any
		if json.Unmarshal([]byte(value), &raw) != nil {
			raw = value
		}
		a := steps[int(at)%len(steps)]
		out, err := quiz.Answer(a, id, raw)
		var ae *AnswerError
		switch {
		case err == nil:
		case errors.Is(err, ErrNotShown), errors.Is(err, ErrUnknownQuestion):
			return
		case errors.As(err, &ae):
			if ae.QuestionID != id || ae.Message == "" {
				t.Fatalf("bad AnswerError %#v", ae)
			}
			return
		default:
			t.Fatalf("unexpected error %v", err)
		}
		st := quiz.State(out)
		for k := range out {
			found := false
			for _, q := range st.Path {
				found = found || q.ID == k
			}
			for _, q := range st.Ahead {
				found = found || q.ID == k
			}
			if !found {
				t.Fatalf("answer %s kept but not on the path", k)
			}
		}
		if st.Done != (st.Next == nil) || st.Progress.Answered > st.Progress.Total || (st.Progress.Percent == 100) != st.Done {
			t.Fatalf("inconsistent state %+v", st.Progress)
		}
		data, err := json.Marshal(out)
		if err != nil {
			t.Fatal(err)
		}
		var back Answers
		if err := json.Unmarshal(data, &back); err != nil {
			t.Fatal(err)
		}
		if quiz.State(back).Progress != st.Progress {
			t.Fatal("state changed after a JSON round trip")
		}
	})
}

// FuzzLoad feeds random definitions to the loader: no panic, and either a quiz or a
// *DefinitionError.
func FuzzLoad(f *testing.F) {
	f.Add([]byte(tinyQuiz))
	// The 25 kB default quiz is left out: under fuzzing instrumentation one load of it takes
	// seconds, which stalls the fuzzer; TestDefaultLoads covers it.
	f.Add([]byte(quiz(qFocus + "      - id: b\n        kind: text\n        prompt: P\n        show_if: 'answers.focus == \"hair\" || has(traits.focus, \"skin\")'\n")))
	f.Add([]byte("version: 1\ntitle: [\n"))
	f.Add([]byte("&a [*a]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		q, err := Load(data)
		var de *DefinitionError
		if err != nil {
			if !errors.As(err, &de) || len(de.Problems) == 0 {
				t.Fatalf("error %v is not a DefinitionError with problems", err)
			}
			return
		}
		st := q.State(nil)
		if !st.Done && st.Next == nil {
			t.Fatal("not done and nothing next")
		}
	})
}
