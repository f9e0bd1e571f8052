package questionnaire

import (
	"context"
	"encoding/json"
	"fmt"

	"gorm.io/gorm"
)

// Trail bytes: where one question stands for one response.
const (
	TrailAnswered = 'a' // shown and answered (or skipped, when optional)
	TrailNext     = 'n' // shown and not answered: where the person is (or stopped)
	TrailOff      = '.' // not on the path: hidden, or after the next question
)

// Trail summarises where a person stands for these answers, one byte per question in quiz
// order (TrailAnswered, TrailNext or TrailOff). The Store saves it with each response, so the
// drop-off count groups identical trails in the database instead of decoding and replaying
// every response. A trail holds no answer, only the shape of the way through the quiz.
func (q *Quiz) Trail(answers Answers) string {
	e := q.getEnv()
	defer q.putEnv(e)
	q.walk(answers, e)
	return trailOf(e.status)
}

func trailOf(status []status) string {
	b := make([]byte, len(status))
	for i, s := range status {
		switch s {
		case stAnswered:
			b[i] = TrailAnswered
		case stNext:
			b[i] = TrailNext
		default:
			b[i] = TrailOff
		}
	}
	return string(b)
}

// AddTrail counts n responses that share trail (from Quiz.Trail on this quiz), as Add would
// count each of them. Bytes beyond the quiz's questions are ignored.
func (d *DropOff) AddTrail(trail string, completed bool, n int) {
	for i := 0; i < len(trail) && i < len(d.rows); i++ {
		switch trail[i] {
		case TrailAnswered:
			d.rows[i].Reached += n
			d.rows[i].Answered += n
		case TrailNext:
			d.rows[i].Reached += n
			if !completed {
				d.rows[i].LeftHere += n
			}
		}
	}
}

// BackfillTrails computes and stores the trail of every response that has none (responses
// saved before trails existed, or written in bulk by other code), on the quiz version each was
// taken on, reading in batches of 500. Responses on a version whose definition is not stored
// are left alone (DropOff cannot count them anyway). It returns how many responses it updated.
// Migrations call it inside their transaction: pass that tx.
func BackfillTrails(ctx context.Context, db *gorm.DB) (int, error) {
	db = db.WithContext(ctx)
	var versions []string
	if err := db.Model(&responseRow{}).Where("trail = ''").Distinct("quiz_version").Pluck("quiz_version", &versions).Error; err != nil {
		return 0, fmt.Errorf("questionnaire: backfill trails: %w", err)
	}
	updated := 0
	for _, v := range versions {
		var def definitionRow
		if err := db.Where("version = ?", v).Limit(1).Find(&def).Error; err != nil {
			return updated, fmt.Errorf("questionnaire: backfill trails: definition %s: %w", v, err)
		}
		if def.Version == "" {
			continue
		}
		quiz, err := Load([]byte(def.Source))
		if err != nil {
			return updated, fmt.Errorf("questionnaire: backfill trails: definition %s: %w", v, err)
		}
		var batch []responseRow
		res := db.Select("id", "answers").Where("quiz_version = ? AND trail = ''", v).
			FindInBatches(&batch, 500, func(tx *gorm.DB, _ int) error {
				for _, row := range batch {
					a := Answers{}
					if row.Answers != "" {
						if err := json.Unmarshal([]byte(row.Answers), &a); err != nil {
							return fmt.Errorf("response %s: %w", row.ID, err)
						}
					}
					// Only while still empty: a running instance may have saved a fresher one.
					res := db.Model(&responseRow{}).Where("id = ? AND trail = ''", row.ID).Update("trail", quiz.Trail(a))
					if res.Error != nil {
						return res.Error
					}
					updated += int(res.RowsAffected)
				}
				return nil
			})
		if res.Error != nil {
			return updated, fmt.Errorf("questionnaire: backfill trails: %w", res.Error)
		}
	}
	return updated, nil
}
