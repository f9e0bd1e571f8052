package staff_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"atelier/app/apptest"
	"atelier/fulfillment"
)

// staffRoutes is every staff route with a request that reaches it.
var staffRoutes = []struct {
	method, path string
	api          bool
}{
	{"GET", "/staff", false},
	{"GET", "/staff/password", false},
	{"POST", "/staff/password", false},
	{"GET", "/staff/production?status=queued", false},
	{"POST", "/staff/production/claim", false},
	{"GET", "/staff/jobs/1", false},
	{"POST", "/staff/jobs/1/claim", false},
	{"POST", "/staff/jobs/1/release", false},
	{"POST", "/staff/jobs/1/renew", false},
	{"POST", "/staff/jobs/1/transition", false},
	{"GET", "/staff/followups", false},
	{"POST", "/staff/followups/claim", false},
	{"GET", "/staff/followups/1", false},
	{"POST", "/staff/followups/1/complete", false},
	{"POST", "/staff/followups/1/snooze", false},
	{"POST", "/staff/followups/1/skip", false},
	{"POST", "/staff/followups/1/reassign", false},
	{"GET", "/staff/outbox", false},
	{"GET", "/staff/quiz", false},
	{"GET", "/staff/team", false},
	{"POST", "/staff/team", false},
	{"POST", "/staff/team/1/role", false},
	{"POST", "/staff/team/1/disable", false},
	{"POST", "/staff/team/1/password", false},
	{"GET", "/api/v1/staff/production", true},
	{"POST", "/api/v1/staff/production/claim", true},
	{"POST", "/api/v1/staff/production/1/transition", true},
	{"POST", "/api/v1/staff/production/1/renew", true},
	{"GET", "/api/v1/staff/followups", true},
	{"POST", "/api/v1/staff/followups/claim", true},
	{"POST", "/api/v1/staff/followups/1/complete", true},
}

func TestShopperIsTurnedAwayEverywhere(t *testing.T) {
	s := apptest.New(t)
	shopper := s.Client()
	shopper.Get("/") // a shopper with a session and a CSRF token
	for _, rt := range staffRoutes {
		t.Run(rt.method+" "+rt.path, func(t *testing.T) {
			var r *apptest.Response
			switch {
			case rt.api && rt.method == "GET":
				r = shopper.JSON(rt.method, rt.path, nil)
			case rt.api:
				r = shopper.JSON(rt.method, rt.path, map[string]any{"to": "compounding", "outcome": "reached"})
			case rt.method == "GET":
				r = shopper.Get(rt.path)
			default:
				r = shopper.PostForm(rt.path, url.Values{})
			}
			if rt.api {
				wantStatus(t, r, http.StatusUnauthorized)
				if !strings.Contains(r.Body, `"error"`) {
					t.Errorf("401 without a JSON error: %s", r.Body)
				}
				return
			}
			wantStatus(t, r, http.StatusSeeOther)
			if loc := r.Location(); !strings.HasPrefix(loc, "/staff/login?next=") {
				t.Errorf("redirect to %q, want the staff login", loc)
			}
		})
	}
}

func TestRolesDecideWhoMayDoWhat(t *testing.T) {
	s := apptest.New(t)
	ctx := context.Background()
	addStaff(t, s, "fay@atelier.test", fulfillment.RoleFulfillment)
	addStaff(t, s, "cal@atelier.test", fulfillment.RoleCare)
	admin := addStaff(t, s, "ada@atelier.test", fulfillment.RoleAdmin)
	paidOrder(t, s, "ann@example.com", 2)
	s.Clock.Advance(3 * time.Hour) // the welcome follow-up falls due
	token, err := accounts(s).IssueToken(ctx, fulfillment.System, admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	fay, cal, ada := signIn(t, s, "fay@atelier.test"), signIn(t, s, "cal@atelier.test"), signIn(t, s, "ada@atelier.test")

	// care may neither claim production nor ship, through the API or the console
	wantStatus(t, cal.JSON("POST", "/api/v1/staff/production/claim", nil), http.StatusForbidden)
	wantStatus(t, cal.JSON("POST", "/api/v1/staff/production/1/transition", map[string]string{"to": "shipped", "carrier": "DHL", "tracking": "1"}), http.StatusForbidden)
	wantStatus(t, cal.PostForm("/staff/production/claim", nil), http.StatusForbidden)
	wantStatus(t, cal.PostForm("/staff/jobs/1/transition", url.Values{"to": {"shipped"}}), http.StatusForbidden)
	wantStatus(t, cal.Get("/staff/team"), http.StatusForbidden)

	// fulfillment may not claim or complete follow-ups
	wantStatus(t, fay.JSON("POST", "/api/v1/staff/followups/claim", nil), http.StatusForbidden)
	wantStatus(t, fay.JSON("POST", "/api/v1/staff/followups/1/complete", map[string]string{"outcome": "reached"}), http.StatusForbidden)
	wantStatus(t, fay.PostForm("/staff/followups/1/complete", url.Values{"outcome": {"reached"}}), http.StatusForbidden)
	wantStatus(t, fay.PostForm("/staff/team", url.Values{"email": {"x@atelier.test"}}), http.StatusForbidden)

	// each may read both queues
	for _, c := range []*apptest.Client{fay, cal} {
		wantStatus(t, c.Get("/staff/production"), http.StatusOK)
		wantStatus(t, c.Get("/staff/followups"), http.StatusOK)
	}

	// fulfillment claims production; care claims and completes a follow-up
	wantStatus(t, fay.JSON("POST", "/api/v1/staff/production/claim", nil), http.StatusCreated)
	var task fulfillment.FollowUpTask
	r := cal.JSON("POST", "/api/v1/staff/followups/claim", nil)
	wantStatus(t, r, http.StatusCreated)
	r.JSON(t, &task)
	wantStatus(t, cal.JSON("POST", "/api/v1/staff/followups/"+itoa(task.ID)+"/complete", map[string]string{"outcome": "reached"}), http.StatusOK)

	// admin may do both, by session and by token
	var job fulfillment.ProductionJob
	r = ada.JSON("POST", "/api/v1/staff/production/claim", nil)
	wantStatus(t, r, http.StatusCreated)
	r.JSON(t, &job)
	wantStatus(t, ada.JSON("POST", "/api/v1/staff/production/"+itoa(job.ID)+"/transition", map[string]string{"to": "compounding"}), http.StatusOK)
	wantStatus(t, ada.Get("/staff/team"), http.StatusOK)
	wantStatus(t, bearer(t, s, token, "GET", "/api/v1/staff/production", ""), http.StatusOK)
	wantStatus(t, bearer(t, s, token, "POST", "/api/v1/staff/production/"+itoa(job.ID)+"/transition", `{"to":"quality_check"}`), http.StatusOK)
	wantStatus(t, bearer(t, s, token, "GET", "/api/v1/staff/followups", ""), http.StatusOK)

	// a wrong, malformed or revoked token is 401
	for _, bad := range []string{"atl_wrong", "nonsense", token + "x", ""} {
		wantStatus(t, bearer(t, s, bad, "GET", "/api/v1/staff/production", ""), http.StatusUnauthorized)
	}
	if _, err := accounts(s).IssueToken(ctx, fulfillment.System, admin.ID); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, bearer(t, s, token, "GET", "/api/v1/staff/production", ""), http.StatusUnauthorized)
}
