package staff_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"atelier/app/apptest"
	"atelier/fulfillment"
)

// TestClosedTaskConflictListsNoMoves: a 409 for a move on a closed task or a finished job
// says "allowed": [] (a list a client can iterate), never null.
func TestClosedTaskConflictListsNoMoves(t *testing.T) {
	s := apptest.New(t)
	addStaff(t, s, "cal@atelier.test", fulfillment.RoleCare)
	addStaff(t, s, "ada@atelier.test", fulfillment.RoleAdmin)
	o := paidOrder(t, s, "ann@example.com", 1)
	s.Clock.Advance(3 * time.Hour) // the welcome call falls due
	cal, ada := signIn(t, s, "cal@atelier.test"), signIn(t, s, "ada@atelier.test")
	var task fulfillment.FollowUpTask
	r := cal.JSON("POST", "/api/v1/staff/followups/claim", nil)
	wantStatus(t, r, http.StatusCreated)
	r.JSON(t, &task)
	done := fmt.Sprintf("/api/v1/staff/followups/%d/complete", task.ID)
	wantStatus(t, cal.JSON("POST", done, map[string]string{"outcome": "reached"}), http.StatusOK)
	r = cal.JSON("POST", done, map[string]string{"outcome": "reached"})
	wantStatus(t, r, http.StatusConflict)
	if !strings.Contains(r.Body, `"allowed":[]`) {
		t.Errorf("closed task: %s", r.Body)
	}

	job := jobOf(t, s, o)
	move := fmt.Sprintf("/api/v1/staff/production/%d/transition", job.ID)
	for _, to := range []string{"compounding", "quality_check", "packed", "shipped", "delivered"} {
		wantStatus(t, ada.JSON("POST", move, map[string]string{"to": to, "carrier": "DHL", "tracking": "1"}), http.StatusOK)
	}
	r = ada.JSON("POST", move, map[string]string{"to": "shipped"})
	wantStatus(t, r, http.StatusConflict)
	if !strings.Contains(r.Body, `"allowed":[]`) {
		t.Errorf("delivered job: %s", r.Body)
	}
}

// TestJobReassignAuditNamesBothHolders: the job's history says whose hands it left.
func TestJobReassignAuditNamesBothHolders(t *testing.T) {
	s := apptest.New(t)
	addStaff(t, s, "ada@atelier.test", fulfillment.RoleAdmin)
	bo := addStaff(t, s, "bo@atelier.test", fulfillment.RoleFulfillment)
	fay := addStaff(t, s, "fay@atelier.test", fulfillment.RoleFulfillment)
	job := jobOf(t, s, paidOrder(t, s, "ann@example.com", 1))
	ada := signIn(t, s, "ada@atelier.test")
	reassign := fmt.Sprintf("/api/v1/staff/production/%d/reassign", job.ID)
	wantStatus(t, ada.JSON("POST", reassign, map[string]uint{"staff_id": bo.ID}), http.StatusOK)
	wantStatus(t, ada.JSON("POST", reassign, map[string]uint{"staff_id": fay.ID}), http.StatusOK)

	audit, err := s.Deps.Fulfillment.AuditFor(context.Background(), fmt.Sprintf("job:%d", job.ID))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range audit {
		if e.Action == "job.reassign" {
			got = append(got, e.From+"→"+e.To)
		}
	}
	if want := fmt.Sprintf("unclaimed→staff:%d staff:%d→staff:%d", bo.ID, bo.ID, fay.ID); strings.Join(got, " ") != want {
		t.Errorf("reassign audit %q, want %q", strings.Join(got, " "), want)
	}
	if r := ada.Get(fmt.Sprintf("/staff/jobs/%d", job.ID)); !strings.Contains(r.Body, fmt.Sprintf("staff:%d → staff:%d", bo.ID, fay.ID)) {
		t.Error("the sheet's history does not show the previous and new holder")
	}
}
