package questionnaire

// DropOffRow is one question's line in the drop-off table.
type DropOffRow struct {
	QuestionID string `json:"question_id"`
	Prompt     string `json:"prompt"`
	Reached    int    `json:"reached"`   // responses that were shown this question
	Answered   int    `json:"answered"`  // of those, responses that answered it
	LeftHere   int    `json:"left_here"` // unfinished responses whose next question is this one
}

// LeftRate is LeftHere / Reached: the share of the people who saw this question and stopped
// there. Counting by reach means a branch few people take is not made to look abandoned.
func (r DropOffRow) LeftRate() float64 {
	if r.Reached == 0 {
		return 0
	}
	return float64(r.LeftHere) / float64(r.Reached)
}

// DropOff counts, for each question of a quiz, how many responses reached it, answered it and
// left there. Add responses one at a time (so a store can stream them), then read Rows.
type DropOff struct {
	quiz *Quiz
	rows []DropOffRow
}

// NewDropOff starts an empty count for quiz.
func NewDropOff(quiz *Quiz) *DropOff {
	d := &DropOff{quiz: quiz, rows: make([]DropOffRow, len(quiz.questions))}
	for i, q := range quiz.questions {
		d.rows[i] = DropOffRow{QuestionID: q.ID, Prompt: q.Prompt}
	}
	return d
}

// Add counts one response. A completed response whose answers leave a question open (the
// definition cannot change under it, so this only happens with edited data) is not counted as
// having left.
func (d *DropOff) Add(answers Answers, completed bool) {
	e := d.quiz.getEnv()
	defer d.quiz.putEnv(e)
	d.quiz.walk(answers, e)
	for i, s := range e.status {
		switch s {
		case stAnswered:
			d.rows[i].Reached++
			d.rows[i].Answered++
		case stNext:
			d.rows[i].Reached++
			if !completed {
				d.rows[i].LeftHere++
			}
		}
	}
}

// Rows returns the counts in quiz order.
func (d *DropOff) Rows() []DropOffRow {
	return append([]DropOffRow(nil), d.rows...)
}

// ResponseAnswers is the part of a response the drop-off count needs.
type ResponseAnswers struct {
	Answers   Answers
	Completed bool
}

// CountDropOff is NewDropOff + Add for each response + Rows.
func CountDropOff(quiz *Quiz, responses []ResponseAnswers) []DropOffRow {
	d := NewDropOff(quiz)
	for _, r := range responses {
		d.Add(r.Answers, r.Completed)
	}
	return d.Rows()
}
