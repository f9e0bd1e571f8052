package staff

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"atelier/app/web"
	"atelier/fulfillment"
)

// Outcomes are the follow-up outcomes in the order the form offers them.
var Outcomes = []string{fulfillment.OutcomeReached, fulfillment.OutcomeLeftMessage, fulfillment.OutcomeNoAnswer, fulfillment.OutcomeEmailed}

type followupsView struct {
	web.Page
	State     string
	DueBefore string
	States    []string
	Tasks     []fulfillment.TaskView
	Empty     bool
}

// FollowupList lists follow-up tasks, overdue ones first (GET /staff/followups?state=&due_before=).
func (h *Handlers) FollowupList(c echo.Context) error {
	tasks, err := h.listTasks(c, 200, 0)
	if err != nil {
		return err
	}
	v := &followupsView{State: c.QueryParam("state"), DueBefore: c.QueryParam("due_before"), States: TaskStates,
		Tasks: tasks, Empty: c.QueryParam("empty") == "1"}
	v.Title = "Follow-ups"
	return h.env.Render.Render(c, http.StatusOK, "staff/followups", v)
}

// listTasks reads the task filter from the query and lists one page of tasks: overdue first,
// then by priority and due time.
func (h *Handlers) listTasks(c echo.Context, limit, offset int) ([]fulfillment.TaskView, error) {
	due, err := parseDueBefore(c.QueryParam("due_before"))
	if err != nil {
		return nil, err
	}
	return h.ful.ListTasks(ctx(c), fulfillment.TaskFilter{State: c.QueryParam("state"), DueBefore: due, Limit: limit, Offset: offset})
}

// FollowupClaim gives the signed-in member the most urgent due task (POST /staff/followups/claim).
func (h *Handlers) FollowupClaim(c echo.Context) error {
	t, err := h.ful.ClaimNextTask(ctx(c), actor(c), 0)
	if errors.Is(err, fulfillment.ErrQueueEmpty) {
		return c.Redirect(http.StatusSeeOther, "/staff/followups?empty=1")
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/staff/followups/%d", t.ID))
}

type followupView struct {
	web.Page
	Task     *fulfillment.FollowUpTask
	Overdue  bool
	Mine     bool
	Story    *fulfillment.CustomerStory
	Profile  customerProfile       // from the latest completed consultation
	Previews map[uint]template.URL // order item id → bottle picture
	Team     []Member              // who an admin may give the task to (active care staff and admins)
	Held     *fulfillment.Order    // the task's order while its payment is on hold (admins settle it)
	Outcomes []string
	Errors   map[string]string
}

// FollowupShow is one task with the customer's story at a glance (GET /staff/followups/:id).
func (h *Handlers) FollowupShow(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	v, err := h.followupView(c, id)
	if err != nil {
		return err
	}
	return h.env.Render.Render(c, http.StatusOK, "staff/followup", v)
}

func (h *Handlers) followupView(c echo.Context, id uint) (*followupView, error) {
	t, err := h.ful.GetTask(ctx(c), id)
	if err != nil {
		return nil, err
	}
	story, err := h.ful.CustomerStory(ctx(c), t.CustomerID, t.Email)
	if err != nil && !errors.Is(err, fulfillment.ErrNotFound) {
		return nil, err
	}
	cust := t.CustomerID
	if cust == nil && story != nil {
		cust = story.CustomerID // a guest who has since made an account
	}
	prof, err := h.profileOf(ctx(c), cust)
	if err != nil {
		return nil, err
	}
	now, me := h.env.Now(), MemberOf(c)
	v := &followupView{Task: t, Story: story, Profile: prof, Outcomes: Outcomes, Previews: map[uint]template.URL{},
		Overdue: fulfillment.Overdue(t.State, t.DueAt, now),
		Mine:    t.State == fulfillment.TaskClaimed && t.ClaimedBy != nil && *t.ClaimedBy == me.ID}
	if story != nil {
		for _, o := range story.Orders {
			for _, it := range o.Items {
				v.Previews[it.ID] = previewURL(it)
			}
		}
	}
	if me.Role == fulfillment.RoleAdmin {
		if v.Team, err = h.teamWhere(c, canFollowUp); err != nil {
			return nil, err
		}
		if t.OrderID != nil {
			o, err := h.ful.Get(ctx(c), *t.OrderID)
			if err != nil && !errors.Is(err, fulfillment.ErrNotFound) {
				return nil, err
			}
			if o != nil && o.Status == fulfillment.OrderOnHold {
				v.Held = o
			}
		}
	}
	v.Title = fmt.Sprintf("Follow-up %d", id)
	return v, nil
}

// taskForm re-renders the task page with field messages (422) when err is a validation
// error, else redirects to the task on success or returns err.
func (h *Handlers) taskForm(c echo.Context, id uint, err error) error {
	return h.formResult(c, err, "staff/followup", func(fields map[string]string) (web.View, error) {
		v, err := h.followupView(c, id)
		if err != nil {
			return nil, err
		}
		v.Errors = fields
		return v, nil
	}, fmt.Sprintf("/staff/followups/%d", id))
}

// formResult ends a console form post: a validation error re-renders the page tmpl (view
// builds it with the field messages) as 422, another error is returned, and success redirects
// to done.
func (h *Handlers) formResult(c echo.Context, err error, tmpl string, view func(fields map[string]string) (web.View, error), done string) error {
	var ve *fulfillment.ValidationError
	if errors.As(err, &ve) {
		v, verr := view(ve.Fields)
		if verr != nil {
			return verr
		}
		return h.env.Render.Render(c, http.StatusUnprocessableEntity, tmpl, v)
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, done)
}

// FollowupComplete closes a claimed task with an outcome, a note and an optional
// satisfaction 1–5 (POST /staff/followups/:id/complete).
func (h *Handlers) FollowupComplete(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	var sat *int
	if s := c.FormValue("satisfaction"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return h.taskForm(c, id, &fulfillment.ValidationError{Fields: map[string]string{"satisfaction": "Choose 1 to 5."}})
		}
		sat = &n
	}
	t, err := h.ful.CompleteTask(ctx(c), id, actor(c), c.FormValue("outcome"), c.FormValue("note"), sat)
	if err == nil {
		h.customerChanged(ctx(c), t)
	}
	return h.taskForm(c, id, err)
}

// FollowupSnooze puts a task back in the queue until a later time (POST /staff/followups/:id/snooze).
func (h *Handlers) FollowupSnooze(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	until, perr := time.Parse("2006-01-02T15:04", c.FormValue("until"))
	if perr != nil {
		return h.taskForm(c, id, &fulfillment.ValidationError{Fields: map[string]string{"until": "Give a date and time (UTC)."}})
	}
	_, err = h.ful.SnoozeTask(ctx(c), id, actor(c), until.UTC(), c.FormValue("note"))
	return h.taskForm(c, id, err)
}

// FollowupSkip closes a task without contact (POST /staff/followups/:id/skip).
func (h *Handlers) FollowupSkip(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	_, err = h.ful.SkipTask(ctx(c), id, actor(c), c.FormValue("note"))
	return h.taskForm(c, id, err)
}

// FollowupResolveHold settles the order a payment-review task is about, once an admin has
// looked into it: accept the payment received (the order goes to production) or cancel the
// order (the money is returned in the payment provider's dashboard). POST
// /staff/followups/:id/resolve-hold with decision (accept or cancel) and note.
func (h *Handlers) FollowupResolveHold(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	t, err := h.ful.GetTask(ctx(c), id)
	if err != nil {
		return err
	}
	if t.OrderID == nil {
		return web.Errorf(http.StatusConflict, "This follow-up is not about an order, so there is no payment to settle.")
	}
	var accept bool
	switch c.FormValue("decision") {
	case "accept":
		accept = true
	case "cancel":
	default:
		return h.taskForm(c, id, &fulfillment.ValidationError{Fields: map[string]string{
			"decision": "Choose whether to accept the payment or cancel the order."}})
	}
	_, err = h.ful.ResolveHold(ctx(c), actor(c), *t.OrderID, accept, c.FormValue("note"))
	return h.taskForm(c, id, err)
}

// canFollowUp reports whether m may be given follow-up work.
func canFollowUp(m *Member) bool {
	return !m.Disabled && (m.Role == fulfillment.RoleCare || m.Role == fulfillment.RoleAdmin)
}

// FollowupReassign gives a task to an active care staff member or admin (admin; POST
// /staff/followups/:id/reassign with staff_id); anyone else is a 422 on the task's page.
func (h *Handlers) FollowupReassign(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	to, _ := strconv.ParseUint(c.FormValue("staff_id"), 10, 32)
	m, err := h.assignee(c, uint(to), canFollowUp, "Choose an active care staff member or admin: only they work follow-ups.")
	if err == nil {
		_, err = h.ful.ReassignTask(ctx(c), id, actor(c), m.ID)
	}
	return h.taskForm(c, id, err)
}
