package staff_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"atelier/app/apptest"
	"atelier/fulfillment"
)

// reviewTask returns the path of the payment-review follow-up of order o.
func reviewTask(t *testing.T, s *apptest.Store, o *fulfillment.Order) string {
	t.Helper()
	var task fulfillment.FollowUpTask
	if err := s.DB.Where("order_id = ? AND kind = ?", o.ID, fulfillment.TaskManual).Take(&task).Error; err != nil {
		t.Fatalf("no payment review for order %d: %v", o.ID, err)
	}
	return "/staff/followups/" + itoa(task.ID)
}

func TestSettleHeldOrder(t *testing.T) {
	s := apptest.New(t)
	ctx := context.Background()
	addStaff(t, s, "ada@atelier.test", fulfillment.RoleAdmin)
	addStaff(t, s, "cy@atelier.test", fulfillment.RoleCare)
	held := heldOrder(t, s, "ann@example.com", 2)
	task := reviewTask(t, s, held)
	ada, cy := signIn(t, s, "ada@atelier.test"), signIn(t, s, "cy@atelier.test")

	// The admin sees what is wrong and the form; care staff see neither.
	r := ada.Get(task)
	wantStatus(t, r, http.StatusOK)
	for _, want := range []string{"Settle order #" + itoa(held.ID), "expected 89.00 EUR, got 88.00 EUR", `name="decision" value="accept"`, `for="hold-note"`} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("the review page lacks %q", want)
		}
	}
	if r := cy.Get(task); strings.Contains(r.Body, "Settle order") {
		t.Error("care staff are offered the settle form")
	}
	if r := cy.PostForm(task+"/resolve-hold", url.Values{"decision": {"accept"}, "note": {"ok"}}); r.StatusCode != http.StatusForbidden {
		t.Errorf("care staff settle: %d", r.StatusCode)
	}

	// Bad input re-renders the form with the message; nothing changes.
	for _, form := range []url.Values{{"note": {"ok"}}, {"decision": {"refund"}, "note": {"ok"}}, {"decision": {"accept"}, "note": {" "}}} {
		r := ada.PostForm(task+"/resolve-hold", form)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if !strings.Contains(r.Body, `class="field-error"`) {
			t.Errorf("%v: no field message\n%s", form, r.Body)
		}
	}
	if o, _ := s.Deps.Fulfillment.Get(ctx, held.ID); o.Status != fulfillment.OrderOnHold {
		t.Fatalf("bad input changed the order: %s", o.Status)
	}

	// Accept: the order is paid and its two units go to production; the review is closed.
	r = ada.PostForm(task+"/resolve-hold", url.Values{"decision": {"accept"}, "note": {"Ann confirmed the discount code by phone"}})
	wantStatus(t, r, http.StatusSeeOther)
	o, _ := s.Deps.Fulfillment.Get(ctx, held.ID)
	var jobs int64
	s.DB.Model(&fulfillment.ProductionJob{}).Where("order_id = ?", held.ID).Count(&jobs)
	if o.Status != fulfillment.OrderPaid || jobs != 2 {
		t.Fatalf("after accept: %s with %d jobs", o.Status, jobs)
	}
	r = ada.Get(task)
	if strings.Contains(r.Body, "Settle order") || !strings.Contains(r.Body, "by phone") {
		t.Errorf("the closed review still offers the form or lacks the decision:\n%s", r.Body)
	}
	// A second settle is a conflict, not a second set of jobs.
	r = ada.PostForm(task+"/resolve-hold", url.Values{"decision": {"accept"}, "note": {"again"}})
	wantStatus(t, r, http.StatusConflict)

	// Cancel another held order.
	other := heldOrder(t, s, "bo@example.com", 1)
	r = ada.PostForm(reviewTask(t, s, other)+"/resolve-hold", url.Values{"decision": {"cancel"}, "note": {"Refunded in Stripe; Bo will reorder"}})
	wantStatus(t, r, http.StatusSeeOther)
	if o, _ := s.Deps.Fulfillment.Get(ctx, other.ID); o.Status != fulfillment.OrderCancelled {
		t.Errorf("after cancel: %s", o.Status)
	}
}
