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

// TestOverdueFollowupIsListedFirstAmongMany: with more open tasks than a page holds, an
// overdue task of low priority still comes first, in the console and on the API, and a task
// is overdue from its due time on.
func TestOverdueFollowupIsListedFirstAmongMany(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { overdueFirst(t, apptest.New(t)) })
	t.Run("postgres", func(t *testing.T) { overdueFirst(t, apptest.NewPostgres(t)) })
}

func overdueFirst(t *testing.T, s *apptest.Store) {
	ctx := context.Background()
	addStaff(t, s, "cal@atelier.test", fulfillment.RoleCare)
	ful, now := s.Deps.Fulfillment, s.Clock.Now()
	for i := range 210 {
		if _, err := ful.CreateManualTask(ctx, fulfillment.Actor{Role: fulfillment.RoleAdmin}, fulfillment.TaskSpec{
			Email: fmt.Sprintf("busy%d@example.com", i), Title: "Busy", Priority: fulfillment.PriorityHigh,
			DueAt: now.Add(time.Duration(i+1) * time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	late, err := ful.CreateManualTask(ctx, fulfillment.Actor{Role: fulfillment.RoleAdmin}, fulfillment.TaskSpec{
		Email: "late@example.com", Title: "Late", Priority: fulfillment.PriorityLow, DueAt: now.Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	cal := signIn(t, s, "cal@atelier.test")

	r := cal.Get("/staff/followups")
	wantStatus(t, r, http.StatusOK)
	if i := strings.Index(r.Body, "late@example.com"); i < 0 || strings.Contains(r.Body[:i], "busy") || !strings.Contains(r.Body, `badge-bad">Overdue`) {
		t.Errorf("the overdue task is not listed first, marked overdue")
	}

	var page struct{ Tasks []fulfillment.TaskView }
	r = cal.JSON("GET", "/api/v1/staff/followups", nil)
	wantStatus(t, r, http.StatusOK)
	r.JSON(t, &page)
	if len(page.Tasks) != 100 || page.Tasks[0].ID != late.ID || !page.Tasks[0].Overdue || page.Tasks[1].Overdue {
		t.Fatalf("API: %d tasks, first %+v", len(page.Tasks), page.Tasks[0])
	}
	r = cal.JSON("GET", "/api/v1/staff/followups?limit=500&offset=200", nil)
	wantStatus(t, r, http.StatusOK)
	r.JSON(t, &page)
	if len(page.Tasks) != 11 || page.Tasks[0].Email != "busy199@example.com" {
		t.Fatalf("page at offset 200: %d tasks, first %s", len(page.Tasks), page.Tasks[0].Email)
	}
	r = cal.JSON("GET", "/api/v1/staff/followups?limit=2&offset=1", nil)
	r.JSON(t, &page)
	if len(page.Tasks) != 2 || page.Tasks[0].Email != "busy0@example.com" {
		t.Fatalf("limit 2 offset 1: %+v", page.Tasks)
	}
	for _, bad := range []string{"offset=-1", "offset=x"} {
		wantStatus(t, cal.JSON("GET", "/api/v1/staff/followups?"+bad, nil), http.StatusUnprocessableEntity)
	}
}
