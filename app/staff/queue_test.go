package staff_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"atelier/app/apptest"
	"atelier/fulfillment"
)

// TestJobFromQueuedToDeliveredThenFollowUps walks one order through the staff API: a
// fulfillment member claims and moves the job to delivered, the scheduler creates the
// check-in on the moved clock, and a care member's low rating creates a recovery call.
func TestJobFromQueuedToDeliveredThenFollowUps(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { walkJobAndFollowUps(t, apptest.New(t)) })
	t.Run("postgres", func(t *testing.T) { walkJobAndFollowUps(t, apptest.NewPostgres(t)) })
}

func walkJobAndFollowUps(t *testing.T, s *apptest.Store) {
	ctx := context.Background()
	addStaff(t, s, "fay@atelier.test", fulfillment.RoleFulfillment)
	addStaff(t, s, "cal@atelier.test", fulfillment.RoleCare)
	order := paidOrder(t, s, "ann@example.com", 1)
	fay, cal := signIn(t, s, "fay@atelier.test"), signIn(t, s, "cal@atelier.test")

	var jobs struct{ Jobs []fulfillment.JobView }
	fay.JSON("GET", "/api/v1/staff/production?status=queued", nil).JSON(t, &jobs)
	if len(jobs.Jobs) != 1 || jobs.Jobs[0].OrderID != order.ID || jobs.Jobs[0].ItemName != "Ada's Calm Serum" {
		t.Fatalf("queued jobs = %+v", jobs.Jobs)
	}
	var job fulfillment.ProductionJob
	r := fay.JSON("POST", "/api/v1/staff/production/claim", nil)
	wantStatus(t, r, http.StatusCreated)
	r.JSON(t, &job)
	path := "/api/v1/staff/production/" + itoa(job.ID) + "/transition"
	steps := []map[string]string{
		{"to": "compounding"}, {"to": "quality_check"}, {"to": "packed"},
		{"to": "shipped", "carrier": "DHL", "tracking": "JD014600003828"},
		{"to": "delivered"},
	}
	for _, step := range steps {
		s.Clock.Advance(10 * time.Minute)
		r := fay.JSON("POST", path, step)
		wantStatus(t, r, http.StatusOK)
		r.JSON(t, &job)
		if job.Status != step["to"] {
			t.Fatalf("after %v the job is %s", step, job.Status)
		}
	}
	if job.Carrier != "DHL" || job.Tracking != "JD014600003828" {
		t.Errorf("shipping details lost: %+v", job)
	}
	if o, _ := s.Deps.Fulfillment.Get(ctx, order.ID); o.Status != fulfillment.OrderDelivered {
		t.Errorf("order status %s, want delivered", o.Status)
	}
	wantStatus(t, fay.JSON("POST", "/api/v1/staff/production/claim", nil), http.StatusNoContent)

	// the check-in is not there yet, then appears on schedule
	if hasTask(t, cal, fulfillment.TaskCheckIn) {
		t.Fatal("check-in task before its time")
	}
	s.Clock.Advance(15 * 24 * time.Hour)
	if _, err := s.Deps.Fulfillment.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	cal = signIn(t, s, "cal@atelier.test") // a new day, a new staff session (they last 12 h)
	if !hasTask(t, cal, fulfillment.TaskCheckIn) {
		t.Fatal("no check-in task after the scheduler ran")
	}

	// care works the queue: the welcome call first (older), then the check-in, rated 2
	for {
		var task fulfillment.FollowUpTask
		r := cal.JSON("POST", "/api/v1/staff/followups/claim", nil)
		wantStatus(t, r, http.StatusCreated)
		r.JSON(t, &task)
		body := map[string]any{"outcome": "reached", "note": "Spoke with Ann."}
		if task.Kind == fulfillment.TaskCheckIn {
			body["satisfaction"] = 2
			body["note"] = "Stings a little on application."
		}
		r = cal.JSON("POST", "/api/v1/staff/followups/"+itoa(task.ID)+"/complete", body)
		wantStatus(t, r, http.StatusOK)
		if task.Kind == fulfillment.TaskCheckIn {
			break
		}
	}
	var list struct{ Tasks []fulfillment.TaskView }
	cal.JSON("GET", "/api/v1/staff/followups", nil).JSON(t, &list)
	var recovery *fulfillment.TaskView
	for i := range list.Tasks {
		if list.Tasks[i].Kind == fulfillment.TaskRecovery {
			recovery = &list.Tasks[i]
		}
	}
	if recovery == nil || recovery.Priority < fulfillment.PriorityHigh || recovery.State != fulfillment.TaskOpen {
		t.Fatalf("recovery task = %+v, want an open one with high priority (tasks: %+v)", recovery, list.Tasks)
	}
	if list.Tasks[0].ID != recovery.ID {
		t.Errorf("the recovery call is not first in the queue")
	}
	// the follow-up page tells the customer's story
	page := cal.Get("/staff/followups/" + itoa(recovery.ID))
	wantStatus(t, page, http.StatusOK)
	for _, want := range []string{"ann@example.com", "Ada&#39;s Calm Serum", "2/5", "Stings a little", `src="data:image/svg`} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("follow-up page lacks %q", want)
		}
	}
}

func hasTask(t *testing.T, c *apptest.Client, kind string) bool {
	t.Helper()
	var list struct{ Tasks []fulfillment.TaskView }
	r := c.JSON("GET", "/api/v1/staff/followups", nil)
	wantStatus(t, r, http.StatusOK)
	r.JSON(t, &list)
	for _, task := range list.Tasks {
		if task.Kind == kind {
			return true
		}
	}
	return false
}

func TestIllegalTransitionNamesTheAllowedOnes(t *testing.T) {
	s := apptest.New(t)
	addStaff(t, s, "fay@atelier.test", fulfillment.RoleFulfillment)
	paidOrder(t, s, "ann@example.com", 1)
	fay := signIn(t, s, "fay@atelier.test")
	var job fulfillment.ProductionJob
	fay.JSON("POST", "/api/v1/staff/production/claim", nil).JSON(t, &job)

	r := fay.JSON("POST", "/api/v1/staff/production/"+itoa(job.ID)+"/transition", map[string]string{"to": "delivered"})
	wantStatus(t, r, http.StatusConflict)
	var body struct {
		Error   string
		Allowed []string
	}
	r.JSON(t, &body)
	if strings.Join(body.Allowed, ",") != "compounding,on_hold,cancelled" || !strings.Contains(body.Error, "compounding") {
		t.Errorf("409 body = %+v", body)
	}

	page := fay.PostForm("/staff/jobs/"+itoa(job.ID)+"/transition", url.Values{"to": {"shipped"}})
	wantStatus(t, page, http.StatusConflict)
	for _, want := range []string{"compounding", "on_hold", "cancelled"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("409 page does not name %q", want)
		}
	}

	// bad input is 4xx with words, never 500, and changes nothing
	bad := []struct {
		name string
		body any
		want int
	}{
		{"malformed JSON", `{"to":`, http.StatusBadRequest},
		{"wrong type", `{"to": 3}`, http.StatusBadRequest},
		{"unknown status", map[string]string{"to": "teleported"}, http.StatusUnprocessableEntity},
		{"hold without reason", map[string]string{"to": "on_hold"}, http.StatusUnprocessableEntity},
		{"no such job", nil, http.StatusNotFound},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			p := "/api/v1/staff/production/" + itoa(job.ID) + "/transition"
			body := tc.body
			if tc.name == "no such job" {
				p, body = "/api/v1/staff/production/99999/transition", map[string]string{"to": "compounding"}
			}
			r := fay.JSON("POST", p, body)
			wantStatus(t, r, tc.want)
			if !strings.Contains(r.Body, `"error"`) {
				t.Errorf("no error message: %s", r.Body)
			}
		})
	}
	if j, _ := s.Deps.Fulfillment.GetJob(context.Background(), job.ID); j.Status != fulfillment.JobQueued {
		t.Errorf("job moved to %s by bad input", j.Status)
	}

	// a shipment without carrier re-renders the sheet with the message (422)
	for _, to := range []string{"compounding", "quality_check", "packed"} {
		wantStatus(t, fay.PostForm("/staff/jobs/"+itoa(job.ID)+"/transition", url.Values{"to": {to}}), http.StatusSeeOther)
	}
	page = fay.PostForm("/staff/jobs/"+itoa(job.ID)+"/transition", url.Values{"to": {"shipped"}, "tracking": {"T1"}})
	wantStatus(t, page, http.StatusUnprocessableEntity)
	if !strings.Contains(page.Body, `id="carrier-error"`) || !strings.Contains(page.Body, `value="T1"`) {
		t.Errorf("422 sheet without the carrier message or the typed tracking number")
	}
}

func TestTwoStaffClaimingAtOnceGetDifferentJobs(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { claimRace(t, apptest.New(t)) })
	t.Run("postgres", func(t *testing.T) { claimRace(t, apptest.NewPostgres(t)) })
}

func claimRace(t *testing.T, s *apptest.Store) {
	addStaff(t, s, "fay@atelier.test", fulfillment.RoleFulfillment)
	addStaff(t, s, "flo@atelier.test", fulfillment.RoleFulfillment)
	paidOrder(t, s, "ann@example.com", 3)
	clients := []*apptest.Client{signIn(t, s, "fay@atelier.test"), signIn(t, s, "flo@atelier.test")}
	for round := 0; round < 5; round++ {
		ids := make([]uint, len(clients))
		codes := make([]int, len(clients))
		var wg sync.WaitGroup
		for i, c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req, _ := http.NewRequest("POST", s.URL+"/api/v1/staff/production/claim", nil)
				req.Header.Set("Accept", "application/json")
				resp, err := c.HTTP.Do(req)
				if err != nil {
					return
				}
				defer resp.Body.Close()
				codes[i] = resp.StatusCode
				var j fulfillment.ProductionJob
				if resp.StatusCode == http.StatusCreated {
					_ = jsonDecode(resp, &j)
					ids[i] = j.ID
				}
			}()
		}
		wg.Wait()
		for i, code := range codes {
			if code != http.StatusCreated && code != http.StatusNoContent {
				t.Fatalf("round %d: claimer %d got %d", round, i, code)
			}
		}
		if ids[0] != 0 && ids[0] == ids[1] {
			t.Fatalf("round %d: both staff got job %d", round, ids[0])
		}
		// release both, so the next round races over the same jobs again
		for i, c := range clients {
			if ids[i] != 0 {
				if _, err := s.Deps.Fulfillment.ReleaseJob(context.Background(), ids[i], fulfillment.Actor{StaffID: uint(i + 1), Role: fulfillment.RoleFulfillment}); err != nil {
					t.Fatal(err)
				}
			}
			_ = c
		}
	}
}
