package staff

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"atelier/app/web"
	"atelier/fulfillment"
)

// JobStatuses are the production job statuses in the order the console shows them.
var JobStatuses = []string{fulfillment.JobQueued, fulfillment.JobCompounding, fulfillment.JobQualityCheck,
	fulfillment.JobPacked, fulfillment.JobShipped, fulfillment.JobDelivered, fulfillment.JobOnHold, fulfillment.JobCancelled}

// TaskStates are the follow-up task states in the order the console shows them.
var TaskStates = []string{fulfillment.TaskOpen, fulfillment.TaskClaimed, fulfillment.TaskDone, fulfillment.TaskSkipped}

// statusCount is one row of a count table.
type statusCount struct {
	Status string
	N      int64
}

type overviewView struct {
	web.Page
	Jobs    []statusCount
	Tasks   []statusCount
	Overdue int64
	// InQueue counts jobs still to make (queued … packed); OpenTasks the follow-ups waiting.
	InQueue, OpenTasks int64
	Chart              barChart
}

// Overview shows the queues at a glance (GET /staff).
func (h *Handlers) Overview(c echo.Context) error {
	counts, err := h.stats.Counts(ctx(c), h.env.Now())
	if err != nil {
		return err
	}
	v := &overviewView{Overdue: counts.OverdueTasks, OpenTasks: counts.Tasks[fulfillment.TaskOpen]}
	for _, s := range JobStatuses[:4] {
		v.InQueue += counts.Jobs[s]
	}
	v.Title = "Staff console"
	var labels []string
	var values []int64
	for _, s := range JobStatuses {
		v.Jobs = append(v.Jobs, statusCount{s, counts.Jobs[s]})
		labels, values = append(labels, s), append(values, counts.Jobs[s])
	}
	for _, s := range TaskStates {
		v.Tasks = append(v.Tasks, statusCount{s, counts.Tasks[s]})
	}
	v.Chart = columnChart(labels, values)
	return h.env.Render.Render(c, http.StatusOK, "staff/overview", v)
}
