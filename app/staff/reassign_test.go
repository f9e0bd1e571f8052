package staff_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"atelier/app/apptest"
	"atelier/fulfillment"
)

// jobOf returns the first production job of order o.
func jobOf(t *testing.T, s *apptest.Store, o *fulfillment.Order) fulfillment.ProductionJob {
	t.Helper()
	var j fulfillment.ProductionJob
	if err := s.DB.Where("order_id = ?", o.ID).Order("id").Take(&j).Error; err != nil {
		t.Fatal(err)
	}
	return j
}

func TestReassignJobInConsole(t *testing.T) {
	s := apptest.New(t)
	addStaff(t, s, "ada@atelier.test", fulfillment.RoleAdmin)
	bo := addStaff(t, s, "bo@atelier.test", fulfillment.RoleFulfillment)
	cy := addStaff(t, s, "cy@atelier.test", fulfillment.RoleCare)
	job := jobOf(t, s, paidOrder(t, s, "ann@example.com", 1))
	sheet := fmt.Sprintf("/staff/jobs/%d", job.ID)
	admin, worker := signIn(t, s, "ada@atelier.test"), signIn(t, s, "bo@atelier.test")

	r := admin.Get(sheet)
	wantStatus(t, r, http.StatusOK)
	if !strings.Contains(r.Body, "Give this job to") || !strings.Contains(r.Body, ">bo (fulfillment)<") {
		t.Fatalf("the admin's sheet has no reassign form:\n%s", r.Body)
	}
	if strings.Contains(r.Body, "cy (care)") {
		t.Error("care staff are offered production work")
	}
	if r := worker.Get(sheet); strings.Contains(r.Body, "Give this job to") {
		t.Error("a fulfillment worker is offered the admin's reassign form")
	}
	if r := worker.PostForm(sheet+"/reassign", url.Values{"staff_id": {fmt.Sprint(bo.ID)}}); r.StatusCode != http.StatusForbidden {
		t.Errorf("worker reassign: %d", r.StatusCode)
	}

	// Care staff, an unknown id or none: 422 with the message, the job unchanged.
	for _, id := range []string{fmt.Sprint(cy.ID), "9999", "", "x"} {
		r := admin.PostForm(sheet+"/reassign", url.Values{"staff_id": {id}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if !strings.Contains(r.Body, `id="staff_id-error"`) {
			t.Errorf("staff_id %q: no field message", id)
		}
	}
	if j := jobOf(t, s, &fulfillment.Order{ID: job.OrderID}); j.ClaimedBy != nil {
		t.Fatalf("a refused reassign claimed the job for %d", *j.ClaimedBy)
	}

	r = admin.PostForm(sheet+"/reassign", url.Values{"staff_id": {fmt.Sprint(bo.ID)}})
	wantStatus(t, r, http.StatusSeeOther)
	j := jobOf(t, s, &fulfillment.Order{ID: job.OrderID})
	if j.ClaimedBy == nil || *j.ClaimedBy != bo.ID || j.LeaseUntil == nil {
		t.Fatalf("after reassign: %+v", j)
	}
	// Bo now holds it and can move it.
	r = worker.PostForm(sheet+"/transition", url.Values{"to": {fulfillment.JobCompounding}})
	wantStatus(t, r, http.StatusSeeOther)
}

func TestReassignJobAPI(t *testing.T) {
	s := apptest.New(t)
	ctx := context.Background()
	ada := addStaff(t, s, "ada@atelier.test", fulfillment.RoleAdmin)
	bo := addStaff(t, s, "bo@atelier.test", fulfillment.RoleFulfillment)
	adminTok, err := accounts(s).IssueToken(ctx, fulfillment.System, ada.ID)
	if err != nil {
		t.Fatal(err)
	}
	boTok, err := accounts(s).IssueToken(ctx, fulfillment.System, bo.ID)
	if err != nil {
		t.Fatal(err)
	}
	o := paidOrder(t, s, "ann@example.com", 1)
	job := jobOf(t, s, o)
	path := fmt.Sprintf("/api/v1/staff/production/%d/reassign", job.ID)

	wantStatus(t, bearer(t, s, boTok, http.MethodPost, path, fmt.Sprintf(`{"staff_id": %d}`, bo.ID)), http.StatusForbidden)
	wantStatus(t, bearer(t, s, adminTok, http.MethodPost, path, `{"staff_id": 0}`), http.StatusUnprocessableEntity)
	wantStatus(t, bearer(t, s, adminTok, http.MethodPost, path, `{"staff_id": "bo"}`), http.StatusBadRequest)
	wantStatus(t, bearer(t, s, adminTok, http.MethodPost, "/api/v1/staff/production/99999/reassign", fmt.Sprintf(`{"staff_id": %d}`, bo.ID)), http.StatusNotFound)

	r := bearer(t, s, adminTok, http.MethodPost, path, fmt.Sprintf(`{"staff_id": %d}`, bo.ID))
	wantStatus(t, r, http.StatusOK)
	if !strings.Contains(r.Body, fmt.Sprintf(`"claimed_by":%d`, bo.ID)) {
		t.Errorf("response: %s", r.Body)
	}
	// A job that left the queue cannot be reassigned.
	if _, err := s.Deps.Fulfillment.Transition(ctx, job.ID, fulfillment.Actor{StaffID: ada.ID, Role: fulfillment.RoleAdmin},
		fulfillment.JobTransition{To: fulfillment.JobCancelled, Note: "customer changed their mind"}); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, bearer(t, s, adminTok, http.MethodPost, path, fmt.Sprintf(`{"staff_id": %d}`, bo.ID)), http.StatusConflict)
}

// TestReassignFollowupOnlyToCare: follow-ups go to care staff or admins, who work them;
// fulfillment staff (who may not) are neither offered nor accepted.
func TestReassignFollowupOnlyToCare(t *testing.T) {
	s := apptest.New(t)
	addStaff(t, s, "ada@atelier.test", fulfillment.RoleAdmin)
	bo := addStaff(t, s, "bo@atelier.test", fulfillment.RoleFulfillment)
	cy := addStaff(t, s, "cy@atelier.test", fulfillment.RoleCare)
	gone := addStaff(t, s, "gone@atelier.test", fulfillment.RoleCare)
	if err := accounts(s).Disable(context.Background(), fulfillment.System, gone.ID); err != nil {
		t.Fatal(err)
	}
	paidOrder(t, s, "ann@example.com", 1)
	tasks, err := s.Deps.Fulfillment.ListTasks(context.Background(), fulfillment.TaskFilter{})
	if err != nil || len(tasks) != 1 {
		t.Fatalf("tasks: %v %+v", err, tasks)
	}
	page := fmt.Sprintf("/staff/followups/%d", tasks[0].ID)
	admin := signIn(t, s, "ada@atelier.test")

	r := admin.Get(page)
	wantStatus(t, r, http.StatusOK)
	if !strings.Contains(r.Body, ">cy (care)<") || !strings.Contains(r.Body, ">ada (admin)<") {
		t.Fatalf("care staff and admins are not offered:\n%s", r.Body)
	}
	if strings.Contains(r.Body, "bo (fulfillment)") || strings.Contains(r.Body, "gone (care)") {
		t.Error("fulfillment or disabled staff are offered the follow-up")
	}
	for _, id := range []string{fmt.Sprint(bo.ID), fmt.Sprint(gone.ID), "9999", ""} {
		r := admin.PostForm(page+"/reassign", url.Values{"staff_id": {id}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if !strings.Contains(r.Body, "Choose an active care staff member or admin") {
			t.Errorf("staff_id %q: no message", id)
		}
	}
	if task, _ := s.Deps.Fulfillment.GetTask(context.Background(), tasks[0].ID); task.ClaimedBy != nil {
		t.Fatalf("a refused reassign gave the task to %d", *task.ClaimedBy)
	}
	wantStatus(t, admin.PostForm(page+"/reassign", url.Values{"staff_id": {fmt.Sprint(cy.ID)}}), http.StatusSeeOther)
	if task, _ := s.Deps.Fulfillment.GetTask(context.Background(), tasks[0].ID); task.ClaimedBy == nil || *task.ClaimedBy != cy.ID {
		t.Fatalf("after reassign: %+v", task)
	}
}
