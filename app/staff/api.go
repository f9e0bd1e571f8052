package staff

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"atelier/app/web"
	"atelier/fulfillment"
)

// APIProduction lists production jobs (GET /api/v1/staff/production?status=).
func (h *Handlers) APIProduction(c echo.Context) error {
	jobs, err := h.ful.ListJobs(ctx(c), fulfillment.JobFilter{Status: c.QueryParam("status"), Limit: queryLimit(c)})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"jobs": jobs})
}

// APIProductionClaim claims the next job: 201 with the job, 204 when the queue is empty
// (POST /api/v1/staff/production/claim).
func (h *Handlers) APIProductionClaim(c echo.Context) error {
	job, err := h.ful.ClaimNextJob(ctx(c), actor(c), 0)
	if errors.Is(err, fulfillment.ErrQueueEmpty) {
		return c.NoContent(http.StatusNoContent)
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, job)
}

// transitionRequest is the body of a job transition.
type transitionRequest struct {
	To       string `json:"to"`
	Note     string `json:"note"`
	Carrier  string `json:"carrier"`
	Tracking string `json:"tracking"`
}

// APIProductionTransition moves a job (POST /api/v1/staff/production/:id/transition); an
// illegal move is 409 with the allowed ones.
func (h *Handlers) APIProductionTransition(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	var req transitionRequest
	if err := web.BindJSON(c, &req); err != nil {
		return err
	}
	job, err := h.ful.Transition(ctx(c), id, actor(c), fulfillment.JobTransition(req))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, job)
}

// APIProductionRenew extends the caller's lease on a job they hold (POST
// /api/v1/staff/production/:id/renew): 200 with the job, 409 when the caller does not hold a
// live claim on it or it has left the queue.
func (h *Handlers) APIProductionRenew(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	job, err := h.ful.RenewJobLease(ctx(c), id, actor(c), 0)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, job)
}

// reassignRequest is the body of POST /api/v1/staff/production/:id/reassign.
type reassignRequest struct {
	StaffID uint `json:"staff_id"`
}

// APIProductionReassign gives a job in the queue to another fulfillment staff member (admin;
// POST /api/v1/staff/production/:id/reassign {"staff_id": 7}).
func (h *Handlers) APIProductionReassign(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	var req reassignRequest
	if err := web.BindJSON(c, &req); err != nil {
		return err
	}
	job, err := h.reassignJob(c, id, req.StaffID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, job)
}

// APIFollowups lists tasks, overdue first, a page at a time (GET
// /api/v1/staff/followups?state=&due_before=&limit=&offset=).
func (h *Handlers) APIFollowups(c echo.Context) error {
	offset, err := queryOffset(c)
	if err != nil {
		return err
	}
	tasks, err := h.listTasks(c, queryLimit(c), offset)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"tasks": tasks})
}

// APIFollowupClaim claims the most urgent due task: 201 with it, 204 when none is due
// (POST /api/v1/staff/followups/claim).
func (h *Handlers) APIFollowupClaim(c echo.Context) error {
	t, err := h.ful.ClaimNextTask(ctx(c), actor(c), 0)
	if errors.Is(err, fulfillment.ErrQueueEmpty) {
		return c.NoContent(http.StatusNoContent)
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, t)
}

// completeRequest is the body of a task completion.
type completeRequest struct {
	Outcome      string `json:"outcome"`
	Note         string `json:"note"`
	Satisfaction *int   `json:"satisfaction"`
}

// APIFollowupComplete closes a claimed task (POST /api/v1/staff/followups/:id/complete).
func (h *Handlers) APIFollowupComplete(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	var req completeRequest
	if err := web.BindJSON(c, &req); err != nil {
		return err
	}
	t, err := h.ful.CompleteTask(ctx(c), id, actor(c), req.Outcome, req.Note, req.Satisfaction)
	if err != nil {
		return err
	}
	h.customerChanged(ctx(c), t)
	return c.JSON(http.StatusOK, t)
}

// queryLimit reads ?limit= (1–500, default 100).
func queryLimit(c echo.Context) int {
	n, err := strconv.Atoi(c.QueryParam("limit"))
	if err != nil || n < 1 || n > 500 {
		return 100
	}
	return n
}

// queryOffset reads ?offset= (how many rows to skip, default 0).
func queryOffset(c echo.Context) (int, error) {
	s := c.QueryParam("offset")
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, web.Invalid("offset is not a count.", map[string]string{"offset": "Use a whole number, 0 or more."})
	}
	return n, nil
}
