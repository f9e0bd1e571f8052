package staff

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"atelier/app/web"
	"atelier/fulfillment"
)

type productionView struct {
	web.Page
	Status   string
	Statuses []string
	Jobs     []jobRow
	Empty    bool
}

// jobRow is one line of the production list.
type jobRow struct {
	fulfillment.JobView
	Age       string
	ClaimedBy string // the holder's name or email
}

// ProductionList lists production jobs in claim order (GET /staff/production?status=).
func (h *Handlers) ProductionList(c echo.Context) error {
	status := c.QueryParam("status")
	if status != "" && !contains(JobStatuses, status) {
		return web.Invalid("There is no such job status.", map[string]string{"status": "Choose one of the listed statuses."})
	}
	jobs, err := h.ful.ListJobs(ctx(c), fulfillment.JobFilter{Status: status, Limit: 200})
	if err != nil {
		return err
	}
	names, err := h.names(c)
	if err != nil {
		return err
	}
	v := &productionView{Status: status, Statuses: JobStatuses, Empty: c.QueryParam("empty") == "1"}
	for _, j := range jobs {
		row := jobRow{JobView: j, Age: age(h.env.Now().Sub(j.CreatedAt))}
		if j.ClaimedBy != nil {
			row.ClaimedBy = names[*j.ClaimedBy]
		}
		v.Jobs = append(v.Jobs, row)
	}
	v.Title = "Production queue"
	return h.env.Render.Render(c, http.StatusOK, "staff/production", v)
}

// ProductionClaim gives the signed-in member the next job and opens its batch sheet
// (POST /staff/production/claim).
func (h *Handlers) ProductionClaim(c echo.Context) error {
	job, err := h.ful.ClaimNextJob(ctx(c), actor(c), 0)
	if errors.Is(err, fulfillment.ErrQueueEmpty) {
		return c.Redirect(http.StatusSeeOther, "/staff/production?empty=1")
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/staff/jobs/%d", job.ID))
}

// JobClaim claims one particular job from the list (POST /staff/jobs/:id/claim).
func (h *Handlers) JobClaim(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	if _, err := h.ful.ClaimJob(ctx(c), id, actor(c), 0); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/staff/jobs/%d", id))
}

// JobRelease gives a claimed job back to the queue (POST /staff/jobs/:id/release).
func (h *Handlers) JobRelease(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	if _, err := h.ful.ReleaseJob(ctx(c), id, actor(c)); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/staff/production")
}

// JobReassign gives a job in the queue to another fulfillment staff member with a fresh lease
// (admin; POST /staff/jobs/:id/reassign with staff_id).
func (h *Handlers) JobReassign(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	to, _ := strconv.ParseUint(c.FormValue("staff_id"), 10, 32)
	_, err = h.reassignJob(c, id, uint(to))
	return h.formResult(c, err, "staff/job", func(fields map[string]string) (web.View, error) {
		v, err := h.sheetView(c, id)
		if err != nil {
			return nil, err
		}
		v.Errors = fields
		return v, nil
	}, fmt.Sprintf("/staff/jobs/%d", id))
}

// reassignJob checks that staff member to may work on production and gives them job id.
func (h *Handlers) reassignJob(c echo.Context, id, to uint) (*fulfillment.ProductionJob, error) {
	if to != 0 {
		if _, err := h.assignee(c, to, canProduce, "Choose an active fulfillment staff member or admin."); err != nil {
			return nil, err
		}
	}
	return h.ful.ReassignJob(ctx(c), id, actor(c), to)
}

// assignee returns staff member id when can says they may be given the work; an unknown
// member or one who may not is a *ValidationError on staff_id saying msg.
func (h *Handlers) assignee(c echo.Context, id uint, can func(*Member) bool, msg string) (*Member, error) {
	m, err := h.accounts.ByID(ctx(c), id)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	if m == nil || !can(m) {
		return nil, &fulfillment.ValidationError{Fields: map[string]string{"staff_id": msg}}
	}
	return m, nil
}

// teamWhere lists the members can says may be given the work, for a reassign form.
func (h *Handlers) teamWhere(c echo.Context, can func(*Member) bool) ([]Member, error) {
	team, err := h.accounts.List(ctx(c))
	if err != nil {
		return nil, err
	}
	var out []Member
	for _, m := range team {
		if can(&m) {
			out = append(out, m)
		}
	}
	return out, nil
}

// JobShow is the printable batch sheet with the moves the job allows (GET /staff/jobs/:id).
// The holder of the job's live claim who opens it renews the lease: reading the sheet is
// working on the job, and a long compounding step must not lose it to the queue.
func (h *Handlers) JobShow(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	if err := h.renewIfHolder(c, id); err != nil {
		return err
	}
	v, err := h.sheetView(c, id)
	if err != nil {
		return err
	}
	return h.env.Render.Render(c, http.StatusOK, "staff/job", v)
}

// renewIfHolder renews the lease on job id when the signed-in member holds its live claim.
func (h *Handlers) renewIfHolder(c echo.Context, id uint) error {
	j, err := h.ful.GetJob(ctx(c), id)
	if errors.Is(err, fulfillment.ErrNotFound) {
		return nil // the sheet says so
	}
	if err != nil {
		return err
	}
	me := MemberOf(c)
	if j.ClaimedBy == nil || *j.ClaimedBy != me.ID || j.LeaseUntil == nil || !h.env.Now().Before(*j.LeaseUntil) {
		return nil
	}
	_, err = h.ful.RenewJobLease(ctx(c), id, actor(c), 0)
	if errors.Is(err, fulfillment.ErrNotClaimed) || errors.Is(err, fulfillment.ErrConflict) || errors.Is(err, fulfillment.ErrIllegalTransition) {
		return nil // it changed hands or state meanwhile: the sheet shows how it is now
	}
	return err
}

// JobRenew extends the holder's lease on a job, "Keep working on this" (POST /staff/jobs/:id/renew).
func (h *Handlers) JobRenew(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	if _, err := h.ful.RenewJobLease(ctx(c), id, actor(c), 0); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/staff/jobs/%d", id))
}

// JobTransition moves a job (POST /staff/jobs/:id/transition with to, note, carrier,
// tracking). Missing details re-render the sheet with the messages (422); an illegal move is
// a 409 naming the allowed ones.
func (h *Handlers) JobTransition(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	in := fulfillment.JobTransition{To: c.FormValue("to"), Note: c.FormValue("note"),
		Carrier: c.FormValue("carrier"), Tracking: c.FormValue("tracking")}
	_, err = h.ful.Transition(ctx(c), id, actor(c), in)
	var ve *fulfillment.ValidationError
	if errors.As(err, &ve) {
		v, verr := h.sheetView(c, id)
		if verr != nil {
			return verr
		}
		v.Errors, v.Tried = ve.Fields, in
		return h.env.Render.Render(c, http.StatusUnprocessableEntity, "staff/job", v)
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/staff/jobs/%d", id))
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// names maps staff ids to their names (or emails), for "claimed by" columns.
func (h *Handlers) names(c echo.Context) (map[uint]string, error) {
	ms, err := h.accounts.List(ctx(c))
	if err != nil {
		return nil, err
	}
	out := make(map[uint]string, len(ms))
	for _, m := range ms {
		out[m.ID] = m.Name
		if m.Name == "" {
			out[m.ID] = m.Email
		}
	}
	return out, nil
}

// age renders a duration as "3 d 4 h", "5 h 12 min" or "7 min".
func age(d time.Duration) string {
	switch {
	case d >= 24*time.Hour:
		return fmt.Sprintf("%d d %d h", int(d.Hours())/24, int(d.Hours())%24)
	case d >= time.Hour:
		return fmt.Sprintf("%d h %d min", int(d.Hours()), int(d.Minutes())%60)
	case d > 0:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	}
	return "just now"
}
