package staff_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"atelier/app/apptest"
	"atelier/fulfillment"
)

// TestHolderRenewsTheLease: a worker busy on a long step keeps the job by reading its sheet,
// pressing "Keep working on this" or calling the API; nobody else can renew it.
func TestHolderRenewsTheLease(t *testing.T) {
	s := apptest.New(t)
	addStaff(t, s, "bo@atelier.test", fulfillment.RoleFulfillment)
	addStaff(t, s, "fay@atelier.test", fulfillment.RoleFulfillment)
	addStaff(t, s, "ada@atelier.test", fulfillment.RoleAdmin)
	job := jobOf(t, s, paidOrder(t, s, "ann@example.com", 1))
	sheet := fmt.Sprintf("/staff/jobs/%d", job.ID)
	api := fmt.Sprintf("/api/v1/staff/production/%d/renew", job.ID)
	bo, fay, ada := signIn(t, s, "bo@atelier.test"), signIn(t, s, "fay@atelier.test"), signIn(t, s, "ada@atelier.test")
	lease := func() time.Time {
		t.Helper()
		j := jobOf(t, s, &fulfillment.Order{ID: job.OrderID})
		if j.LeaseUntil == nil {
			t.Fatal("no lease")
		}
		return *j.LeaseUntil
	}

	wantStatus(t, bo.JSON("POST", api, nil), http.StatusConflict) // nobody holds it yet
	wantStatus(t, bo.PostForm(sheet+"/claim", nil), http.StatusSeeOther)
	claimed := lease()

	// 25 minutes into a 30-minute lease, reading the sheet renews it.
	s.Clock.Advance(25 * time.Minute)
	r := bo.Get(sheet)
	wantStatus(t, r, http.StatusOK)
	if !strings.Contains(r.Body, "Keep working on this") {
		t.Error("the holder's sheet has no renew button")
	}
	if got := lease(); !got.Equal(claimed.Add(25 * time.Minute)) {
		t.Fatalf("viewing the sheet: lease %s, want %s", got, claimed.Add(25*time.Minute))
	}
	// Others reading the sheet renew nothing, and are not offered to.
	s.Clock.Advance(10 * time.Minute)
	before := lease()
	for _, c := range []*apptest.Client{fay, ada} {
		if r := c.Get(sheet); strings.Contains(r.Body, "Keep working on this") {
			t.Error("a non-holder is offered the renew button")
		}
	}
	if !lease().Equal(before) {
		t.Fatal("a non-holder's view renewed the lease")
	}

	// The button and the API renew for the holder only.
	s.Clock.Advance(10 * time.Minute)
	wantStatus(t, bo.PostForm(sheet+"/renew", nil), http.StatusSeeOther)
	if got := lease(); !got.Equal(s.Clock.Now().Add(30 * time.Minute)) {
		t.Fatalf("renew button: lease %s", got)
	}
	s.Clock.Advance(10 * time.Minute)
	var renewed fulfillment.ProductionJob
	r = bo.JSON("POST", api, nil)
	wantStatus(t, r, http.StatusOK)
	r.JSON(t, &renewed)
	if renewed.LeaseUntil == nil || !renewed.LeaseUntil.Equal(s.Clock.Now().Add(30*time.Minute)) {
		t.Fatalf("API renew: %+v", renewed)
	}
	wantStatus(t, fay.JSON("POST", api, nil), http.StatusConflict)
	wantStatus(t, ada.JSON("POST", api, nil), http.StatusConflict) // an admin reassigns instead
	wantStatus(t, fay.PostForm(sheet+"/renew", nil), http.StatusConflict)

	// A lapsed lease is not renewed: the job is back in the queue.
	s.Clock.Advance(31 * time.Minute)
	wantStatus(t, bo.JSON("POST", api, nil), http.StatusConflict)
	wantStatus(t, bo.JSON("POST", "/api/v1/staff/production/999/renew", nil), http.StatusNotFound)
}
