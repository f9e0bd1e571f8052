package consult

import (
	"fmt"
	"strconv"
	"strings"

	"atelier/app/web"
	"atelier/questionnaire"
)

// introView is the consultation's front page.
type introView struct {
	web.Page
	// Finished is the visitor's completed consultation, if they have one.
	Finished string
}

// questionView is one question on its own page.
type questionView struct {
	web.Page
	ID        string // the response id
	QuizTitle string
	Section   string
	Q         *questionnaire.Question
	// Progress is the bar: how far through the questions this person is asked.
	Percent       int
	ProgressLabel string
	// Choices are the radio or checkbox options (single, multi, scale, location).
	Choices []choiceView
	// Value is the typed value of a number, text or location (postal code) field.
	Value string
	// Hint says how to answer (e.g. "Choose up to 3."); Error is the message of a refused answer.
	Hint  string
	Error string
	// First is true at the first question (no Back); Editing when the question already has an answer.
	First   bool
	Editing bool
	// Resumable is true when answers after this question were kept: the shopper may save and
	// return to where they were instead of confirming each.
	Resumable bool
	ResumeURL string
}

// Control is the HTML control a question is asked with.
func (v *questionView) Control() string {
	switch v.Q.Kind {
	case questionnaire.KindSingle, questionnaire.KindLocation:
		return "radio"
	case questionnaire.KindMulti:
		return "checkbox"
	case questionnaire.KindScale:
		if len(v.Choices) > 0 {
			return "scale"
		}
		return "number"
	case questionnaire.KindNumber:
		return "number"
	}
	return "text"
}

// ErrorID is the id of the error message element, for aria-describedby.
func (v *questionView) ErrorID() string { return "q-" + v.Q.ID + "-error" }

// choiceView is one radio or checkbox.
type choiceView struct {
	ID, Value, Label, Help string
	Checked                bool
}

// resultView is the end of the consultation: the profile in plain words.
type resultView struct {
	web.Page
	ID        string
	Summary   []string
	Name      string
	Answers   []answerView
	ResumeURL string
}

// answerView is one given answer, with the link to change it.
type answerView struct {
	ID, Prompt, Answer string
}

// noticeView is a short page that explains a refusal (a question not being asked, a resume
// link that opens nothing) and offers the way on.
type noticeView struct {
	web.Page
	Status             int
	Heading, Message   string
	LinkHref, LinkText string
}

// maxScaleChoices is the widest scale shown as a row of radios; wider ones get a number field.
const maxScaleChoices = 11

// newQuestionView builds the page for question q. value is what to pre-fill: the stored answer,
// or what the shopper just sent when it was refused (a string or []string from the form).
func newQuestionView(s *session, st *questionnaire.Position, q *questionnaire.Question, value any) *questionView {
	pos := position(st, q)
	v := &questionView{
		ID: s.r.ID, QuizTitle: s.quiz.Title, Section: sectionTitle(s.quiz, q), Q: q,
		Percent:       st.Progress.Percent,
		ProgressLabel: fmt.Sprintf("Question %d of about %d", pos, max(st.Progress.Total, pos)),
		First:         pos == 1,
	}
	_, v.Editing = s.r.Answers[q.ID]
	v.Page.Title = q.Prompt
	picked := selected(value)
	switch q.Kind {
	case questionnaire.KindSingle, questionnaire.KindMulti, questionnaire.KindLocation:
		for i, o := range q.Options {
			v.Choices = append(v.Choices, choiceView{ID: fmt.Sprintf("q-%s-%d", q.ID, i), Value: o.Value,
				Label: o.Label, Help: o.Help, Checked: picked[o.Value]})
		}
		if q.Kind == questionnaire.KindLocation && len(picked) == 1 {
			for code := range picked {
				if q.Option(code) == nil {
					v.Value = code // a postal code
				}
			}
		}
		if q.Kind == questionnaire.KindMulti {
			v.Hint = picksHint(q)
		}
	case questionnaire.KindScale:
		v.Choices = scaleChoices(q, picked)
		v.Value = firstOf(picked)
	default:
		v.Value = firstOf(picked)
	}
	return v
}

// selected turns a stored or submitted value into the set of values to show as chosen.
func selected(value any) map[string]bool {
	out := map[string]bool{}
	switch x := value.(type) {
	case string:
		if x != "" {
			out[x] = true
		}
	case []string:
		for _, s := range x {
			out[s] = true
		}
	case float64:
		out[strconv.FormatFloat(x, 'f', -1, 64)] = true
	}
	return out
}

func firstOf(set map[string]bool) string {
	for k := range set {
		return k
	}
	return ""
}

func scaleChoices(q *questionnaire.Question, picked map[string]bool) []choiceView {
	if q.Min == nil || q.Max == nil {
		return nil
	}
	step := 1.0
	if q.Step != nil && *q.Step > 0 {
		step = *q.Step
	}
	n := int((*q.Max-*q.Min)/step + 1e-9)
	if n+1 > maxScaleChoices {
		return nil
	}
	out := make([]choiceView, 0, n+1)
	for i := 0; i <= n; i++ {
		val := strconv.FormatFloat(*q.Min+float64(i)*step, 'f', -1, 64)
		out = append(out, choiceView{ID: fmt.Sprintf("q-%s-%d", q.ID, i), Value: val, Label: val, Checked: picked[val]})
	}
	return out
}

// picksHint says how many options a multiple-choice question wants.
func picksHint(q *questionnaire.Question) string {
	lo, hi := 0, len(q.Options)
	if q.Min != nil {
		lo = int(*q.Min)
	}
	if q.Max != nil {
		hi = int(*q.Max)
	}
	switch {
	case lo == 0 && hi >= len(q.Options):
		return "Choose any that apply, or none."
	case lo == 0:
		return fmt.Sprintf("Choose up to %d, or none.", hi)
	case hi >= len(q.Options) && lo == 1:
		return "Choose one or more."
	case hi >= len(q.Options):
		return fmt.Sprintf("Choose at least %d.", lo)
	case lo == hi:
		return fmt.Sprintf("Choose %d.", lo)
	case lo == 1:
		return fmt.Sprintf("Choose up to %d.", hi)
	}
	return fmt.Sprintf("Choose %d to %d.", lo, hi)
}

func sectionTitle(quiz *questionnaire.Quiz, q *questionnaire.Question) string {
	for _, s := range quiz.Sections {
		if s.ID == q.Section {
			return s.Title
		}
	}
	return ""
}

// newResultView builds the end page.
func newResultView(h *Handlers, s *session, st *questionnaire.State) *resultView {
	v := &resultView{ID: s.r.ID, Summary: st.Profile.Summary(), Name: st.Profile.Name, ResumeURL: h.resumeURL(s.r)}
	v.Page.Title = "Your profile"
	for _, q := range st.Path {
		v.Answers = append(v.Answers, answerView{ID: q.ID, Prompt: q.Prompt, Answer: q.Describe(s.r.Answers[q.ID])})
	}
	return v
}

// FirstControlID is the id of the question's first control, where the error summary links.
func (v *questionView) FirstControlID() string {
	if len(v.Choices) > 0 {
		return v.Choices[0].ID
	}
	return "q-" + v.Q.ID + "-input"
}

// DescribedBy lists the ids that describe the question's group: its help, hint and error.
func (v *questionView) DescribedBy() string {
	var ids []string
	if v.Q.Help != "" {
		ids = append(ids, "q-"+v.Q.ID+"-help")
	}
	if v.Hint != "" {
		ids = append(ids, "q-"+v.Q.ID+"-hint")
	}
	if v.Error != "" {
		ids = append(ids, v.ErrorID())
	}
	return strings.Join(ids, " ")
}
