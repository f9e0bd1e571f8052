package staff

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"atelier/app/web"
	"atelier/questionnaire"
)

type quizView struct {
	web.Page
	Version string
	Rows    []quizRow
	Chart   barChart
}

// quizRow is one question's drop-off line.
type quizRow struct {
	questionnaire.DropOffRow
	LeftRate string // "12.5%"
}

// Quiz shows drop-off per question of the current quiz version (GET /staff/quiz).
func (h *Handlers) Quiz(c echo.Context) error {
	version := h.quizCurrent.Version
	rows, err := h.quiz.DropOff(ctx(c), version, 500)
	if err != nil {
		return err
	}
	v := &quizView{Version: version}
	v.Title = "Quiz drop-off"
	labels := make([]string, len(rows))
	reached, left := make([]int64, len(rows)), make([]int64, len(rows))
	for i, r := range rows {
		v.Rows = append(v.Rows, quizRow{DropOffRow: r, LeftRate: fmt.Sprintf("%.1f%%", 100*r.LeftRate())})
		labels[i], reached[i], left[i] = r.QuestionID, int64(r.Reached), int64(r.LeftHere)
	}
	v.Chart = rowChart(labels, reached, left)
	return h.env.Render.Render(c, http.StatusOK, "staff/quiz", v)
}
