package questionnaire

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

const tinyQuiz = `
version: "t1"
title: "Tiny"
sections:
  - id: s
    title: "S"
    questions:
      - id: focus
        kind: single
        prompt: "What for?"
        options:
          - {value: hair, label: Hair, traits: {focus: hair, lines: shampoo}}
          - {value: skin, label: Skin, traits: {focus: skin, lines: serum}}
      - id: hair_type
        kind: single
        show_if: 'answers.focus == "hair"'
        prompt: "Hair type?"
        options:
          - {value: straight, label: Straight, traits: {hair_type: straight}}
          - {value: curly, label: Curly, traits: {hair_type: curly}, evidence: "you said your hair is curly"}
      - id: curl
        kind: single
        show_if: 'answers.hair_type == "curly"'
        prompt: "Curl?"
        options:
          - {value: loose, label: Loose, traits: {curl_pattern: loose}}
          - {value: tight, label: Tight, traits: {curl_pattern: tight}}
      - id: dry
        kind: scale
        show_if: 'has(traits.focus, "hair")'
        prompt: "How dry?"
        min: 1
        max: 5
        trait: concern.dryness
        evidence: "you rated dryness {value} of {max}"
      - id: concerns
        kind: multi
        prompt: "Concerns?"
        min: 0
        max: 2
        options:
          - {value: frizz, label: Frizz, concerns: {frizz: 0.7}}
          - {value: dryness, label: Dryness, concerns: {dryness: 0.7}}
          - {value: redness, label: Redness, concerns: {redness: 0.5}}
      - id: vegan
        kind: single
        required: false
        prompt: "Vegan?"
        options:
          - {value: yes, label: Yes, flags: {vegan: true}}
          - {value: no, label: No}
      - id: age
        kind: number
        prompt: "Age?"
        min: 16
        max: 120
        step: 1
        unit: years
        trait: trait.age_range
        bands:
          - {below: 25, value: under_25}
          - {below: 35, value: 25_34}
          - {value: 55_plus}
      - id: where
        kind: location
        prompt: "Where?"
        options:
          - {value: humid, label: Humid}
          - {value: dry, label: Dry}
          - {value: temperate, label: Mild}
          - {value: cold, label: Cold}
      - id: name
        kind: text
        prompt: "Name?"
        max_length: 10
        trait: name
`

func mustTiny(t testing.TB) *Quiz {
	t.Helper()
	q, err := Load([]byte(tinyQuiz))
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func answerAll(t *testing.T, q *Quiz, steps ...any) Answers {
	t.Helper()
	a := Answers{}
	for i := 0; i+1 < len(steps); i += 2 {
		var err error
		a, err = q.Answer(a, steps[i].(string), steps[i+1])
		if err != nil {
			t.Fatalf("answer %v=%v: %v", steps[i], steps[i+1], err)
		}
	}
	return a
}

func ids(qs []*Question) string {
	var s []string
	for _, q := range qs {
		s = append(s, q.ID)
	}
	return strings.Join(s, ",")
}

func TestStateBranching(t *testing.T) {
	q := mustTiny(t)
	tests := []struct {
		name      string
		steps     []any
		next      string
		path      string
		ahead     string
		answered  int
		total     int
		wantTrait map[string][]string
	}{
		{"start", nil, "focus", "focus", "hair_type,curl,dry,concerns,vegan,age,where,name", 0, 9, nil},
		{"skin skips hair", []any{"focus", "skin"}, "concerns", "focus,concerns", "vegan,age,where,name", 1, 6,
			map[string][]string{"focus": {"skin"}, "lines": {"serum"}}},
		{"hair straight skips curl", []any{"focus", "hair", "hair_type", "straight"}, "dry", "focus,hair_type,dry", "concerns,vegan,age,where,name", 2, 8, nil},
		{"curly asks curl", []any{"focus", "hair", "hair_type", "curly"}, "curl", "focus,hair_type,curl", "dry,concerns,vegan,age,where,name", 2, 9,
			map[string][]string{"hair_type": {"curly"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := answerAll(t, q, tt.steps...)
			st := q.State(a)
			if st.Next == nil || st.Next.ID != tt.next {
				t.Fatalf("next = %v, want %s", st.Next, tt.next)
			}
			if got := ids(st.Path); got != tt.path {
				t.Errorf("path = %s, want %s", got, tt.path)
			}
			if got := ids(st.Ahead); got != tt.ahead {
				t.Errorf("ahead = %s, want %s", got, tt.ahead)
			}
			if st.Progress.Answered != tt.answered || st.Progress.Total != tt.total || st.Progress.Percent >= 100 {
				t.Errorf("progress = %+v, want %d/%d", st.Progress, tt.answered, tt.total)
			}
			for k, v := range tt.wantTrait {
				if !reflect.DeepEqual(st.Profile.Traits[k], v) {
					t.Errorf("trait %s = %v, want %v", k, st.Profile.Traits[k], v)
				}
			}
		})
	}
}

func TestCompleteProfile(t *testing.T) {
	q := mustTiny(t)
	a := answerAll(t, q, "focus", "hair", "hair_type", "curly", "curl", "tight", "dry", 5.0,
		"concerns", []any{"dryness", "frizz"}, "vegan", "yes", "age", "30", "where", "m5v 2t6", "name", "  Ana   Maria ")
	st := q.State(a)
	if !st.Done || st.Next != nil || st.Progress.Percent != 100 {
		t.Fatalf("not done: %+v", st.Progress)
	}
	p := st.Profile
	if p.Name != "Ana Maria" {
		t.Errorf("name %q", p.Name)
	}
	if p.Concerns["dryness"] != 1 { // 1.0 from the scale + 0.7 clamped
		t.Errorf("dryness %v", p.Concerns["dryness"])
	}
	if p.Traits["age_range"][0] != "25_34" || p.Traits["climate"][0] != "cold" || !p.Flags["vegan"] {
		t.Errorf("profile %+v", p)
	}
	if a["where"] != "M5V 2T6" {
		t.Errorf("postal code stored as %q", a["where"])
	}
	if p.Evidence["hair_type.curly"] != "you said your hair is curly" || p.Evidence["concern.dryness"] != "you rated dryness 5 of 5" {
		t.Errorf("evidence %v", p.Evidence)
	}
	if !strings.Contains(p.Evidence["climate.cold"], "postal code") {
		t.Errorf("climate evidence %q", p.Evidence["climate.cold"])
	}
	sum := strings.Join(p.Summary(), "\n")
	for _, want := range []string{"Your hair: curly (tight curls)", "Your climate: cold", "You asked for: vegan", "Your label will read: Ana Maria"} {
		if !strings.Contains(sum, want) {
			t.Errorf("summary lacks %q:\n%s", want, sum)
		}
	}
	data, _ := json.Marshal(a)
	var back Answers
	if err := json.Unmarshal(data, &back); err != nil || !reflect.DeepEqual(back, a) {
		t.Errorf("JSON round trip: %v\n%v\n%v", err, back, a)
	}
}

func TestEditEarlierDropsLater(t *testing.T) {
	q := mustTiny(t)
	a := answerAll(t, q, "focus", "hair", "hair_type", "curly", "curl", "tight", "dry", 3.0, "concerns", []string{"frizz"})
	b, err := q.Answer(a, "hair_type", "straight")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := b["curl"]; ok {
		t.Error("curl kept after hair became straight")
	}
	if b["dry"] != 3.0 || b["concerns"] == nil {
		t.Errorf("answers that still apply were dropped: %v", b)
	}
	c, err := q.Answer(b, "focus", "skin")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"hair_type", "dry"} {
		if _, ok := c[id]; ok {
			t.Errorf("%s kept after focus became skin", id)
		}
	}
	if st := q.State(c); st.Next.ID != "vegan" {
		t.Errorf("next after edit = %s, want vegan (concerns kept)", st.Next.ID)
	}
	if _, ok := a["curl"]; !ok {
		t.Error("Answer modified its input")
	}
}

func TestBackAndFollowing(t *testing.T) {
	q := mustTiny(t)
	a := answerAll(t, q, "focus", "hair", "hair_type", "straight")
	tests := []struct {
		current, want string
		ok            bool
	}{
		{"dry", "hair_type", true},
		{"hair_type", "focus", true},
		{"focus", "", false},
		{"", "hair_type", true},     // not given: before the next question
		{"curl", "hair_type", true}, // hidden: same
	}
	for _, tt := range tests {
		got, ok := q.Back(a, tt.current)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Back(%q) = %q,%v want %q,%v", tt.current, got, ok, tt.want, tt.ok)
		}
	}
	done := answerAll(t, q, "focus", "skin", "concerns", []string{}, "vegan", nil, "age", 60, "where", "dry", "name", "Bo")
	if got, _ := q.Back(done, ""); got != "name" {
		t.Errorf("Back when done = %q, want name", got)
	}
	if got, ok := q.Following(done, "concerns"); !ok || got != "vegan" {
		t.Errorf("Following(concerns) = %q,%v", got, ok)
	}
}

func TestAnswerErrors(t *testing.T) {
	q := mustTiny(t)
	base := answerAll(t, q, "focus", "hair", "hair_type", "curly", "curl", "loose")
	long := strings.Repeat("a", 11)
	tests := []struct {
		name, id string
		value    any
		want     error // ErrNotShown / ErrUnknownQuestion, or nil for an *AnswerError
		msg      string
	}{
		{"unknown question", "nope", "x", ErrUnknownQuestion, ""},
		{"not reached", "name", "Ana", ErrNotShown, ""},
		{"hidden", "curl", "tight", nil, ""}, // visible: allowed below
		{"unknown option", "hair_type", "bald", nil, "Please choose one of the options."},
		{"wrong type", "hair_type", 3.0, nil, "Please choose one of the options."},
		{"missing", "dry", nil, nil, "Please answer this question."},
		{"out of range", "dry", 6.0, nil, "from 1 to 5"},
		{"off step", "dry", 2.5, nil, "steps of 1"},
		{"not a number", "dry", "lots", nil, "Please enter a number."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := q.Answer(base, tt.id, tt.value)
			if tt.want != nil {
				if !errors.Is(err, tt.want) {
					t.Fatalf("err = %v, want %v", err, tt.want)
				}
				return
			}
			if tt.msg == "" {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				return
			}
			var ae *AnswerError
			if !errors.As(err, &ae) || ae.QuestionID != tt.id || !strings.Contains(ae.Message, tt.msg) {
				t.Fatalf("err = %#v, want AnswerError %q", err, tt.msg)
			}
		})
	}
	// Kinds reached later in the quiz.
	late := answerAll(t, q, "focus", "skin")
	multi := []struct {
		value any
		msg   string
	}{
		{[]string{"frizz", "dryness", "redness"}, "at most 2"},
		{[]any{"frizz", 3.0}, "choose from the options"},
		{[]string{"shine"}, "choose from the options"},
	}
	for _, m := range multi {
		if _, err := q.Answer(late, "concerns", m.value); err == nil || !strings.Contains(err.Error(), m.msg) {
			t.Errorf("concerns=%v: %v, want %q", m.value, err, m.msg)
		}
	}
	end := answerAll(t, q, "focus", "skin", "concerns", nil, "vegan", "", "age", 40, "where", "cold")
	if _, ok := end["vegan"]; !ok || end["vegan"] != nil {
		t.Errorf("optional skip not recorded as nil: %v", end)
	}
	texts := []struct {
		value any
		msg   string
	}{
		{long, "keep it to 10"},
		{"Ana\nBo", "line breaks"},
		{"Ana\u202e", "control"},
		{"   ", "Please answer"},
	}
	for _, tt := range texts {
		if _, err := q.Answer(end, "name", tt.value); err == nil || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("name=%q: %v, want %q", tt.value, err, tt.msg)
		}
	}
	if _, err := q.Answer(end, "where", "99999-12"); err == nil || !strings.Contains(err.Error(), "postal code") {
		t.Errorf("bad postal code: %v", err)
	}
}

func TestPostalCodes(t *testing.T) {
	tests := []struct{ code, climate, canonical string }{
		{"10001", "temperate", "10001"},
		{"33101-1234", "humid", "33101-1234"},
		{"85001", "dry", "85001"},
		{"99501", "cold", "99501"},
		{"v6b 1a1", "temperate", "V6B 1A1"},
		{"H2X1Y4", "cold", "H2X 1Y4"},
		{"sw1a 1aa", "temperate", "SW1A 1AA"},
		{"M1 1AE", "temperate", "M1 1AE"},
		{"1234", "", ""},
		{"ABCDE", "", ""},
		{"D1A 1A1", "", ""},
	}
	for _, tt := range tests {
		c, canon, ok := ClimateForPostalCode(tt.code)
		if c != tt.climate || canon != tt.canonical || ok != (tt.climate != "") {
			t.Errorf("%q → %q %q %v, want %q %q", tt.code, c, canon, ok, tt.climate, tt.canonical)
		}
	}
}

func TestDropOff(t *testing.T) {
	q := mustTiny(t)
	rows := CountDropOff(q, []ResponseAnswers{
		{Answers: Answers{}},
		{Answers: answerAll(t, q, "focus", "skin")},
		{Answers: answerAll(t, q, "focus", "hair")},
		{Answers: answerAll(t, q, "focus", "skin", "concerns", nil, "vegan", nil, "age", 40, "where", "cold", "name", "X"), Completed: true},
	})
	got := map[string]DropOffRow{}
	for _, r := range rows {
		got[r.QuestionID] = r
	}
	check := func(id string, reached, answered, left int) {
		t.Helper()
		r := got[id]
		if r.Reached != reached || r.Answered != answered || r.LeftHere != left {
			t.Errorf("%s: %+v, want reached %d answered %d left %d", id, r, reached, answered, left)
		}
	}
	check("focus", 4, 3, 1)
	check("hair_type", 1, 0, 1)
	check("concerns", 2, 1, 1)
	check("name", 1, 1, 0)
	if r := got["hair_type"]; r.LeftRate() != 1 {
		t.Errorf("left rate %v", r.LeftRate())
	}
}

// TestStepAllocsFlat guards the performance promise: a step allocates the same early and late.
func TestStepAllocsFlat(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector makes sync.Pool drop items at random; allocation counts mean nothing")
	}
	quiz := Default()
	steps := samplePath(t, quiz)
	var counts []float64
	for _, i := range []int{1, len(steps) / 2, len(steps) - 1} {
		a := steps[i]
		quiz.State(a) // warm the pool
		counts = append(counts, testing.AllocsPerRun(50, func() { quiz.State(a) }))
	}
	if counts[2] > counts[0]+2 {
		t.Errorf("allocations grow with answers: %v", counts)
	}
	t.Logf("allocations per step early/mid/late: %v", counts)
}

func TestDescribe(t *testing.T) {
	q := Default()
	focus := q.Question("focus")
	if focus == nil {
		t.Fatal("default quiz has no focus question")
	}
	tests := []struct {
		v    any
		want string
	}{
		{nil, "Skipped"},
		{"both", focus.Option("both").Label},
		{"not-an-option", "not-an-option"},
		{[]string{}, "None"},
		{[]string{"hair", "skin"}, focus.Option("hair").Label + ", " + focus.Option("skin").Label},
		{float64(3), "3"},
	}
	for _, tt := range tests {
		if got := focus.Describe(tt.v); got != tt.want {
			t.Errorf("Describe(%v) = %q, want %q", tt.v, got, tt.want)
		}
	}
}
