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

func TestOrderPageAndDemoRefund(t *testing.T) {
	s := apptest.New(t)
	ctx := context.Background()
	addStaff(t, s, "ada@atelier.test", fulfillment.RoleAdmin)
	addStaff(t, s, "bo@atelier.test", fulfillment.RoleFulfillment)
	o := paidOrder(t, s, "ann@example.com", 2)
	page := "/staff/orders/" + itoa(o.ID)
	admin, worker := signIn(t, s, "ada@atelier.test"), signIn(t, s, "bo@atelier.test")

	// Every staff member sees the order; only an admin gets the refund form.
	r := worker.Get(page)
	wantStatus(t, r, http.StatusOK)
	for _, want := range []string{"Order #" + itoa(o.ID), "Ada&#39;s Calm Serum", "89.00", "Job #", "order placed"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("order page lacks %q", want)
		}
	}
	if strings.Contains(r.Body, "Refund this order") {
		t.Error("a fulfillment worker is offered the refund form")
	}
	if r := worker.PostForm(page+"/refund", url.Values{"reason": {"x"}}); r.StatusCode != http.StatusForbidden {
		t.Errorf("worker refund: %d", r.StatusCode)
	}
	if r := s.Client().Get(page); r.StatusCode == http.StatusOK {
		t.Error("the order page is open to anyone")
	}
	for _, missing := range []string{"/staff/orders/99999", "/staff/orders/x"} {
		wantStatus(t, admin.Get(missing), http.StatusNotFound)
	}

	r = admin.Get(page)
	if !strings.Contains(r.Body, "Refund this order") {
		t.Fatalf("the admin has no refund form:\n%s", r.Body)
	}
	r = admin.PostForm(page+"/refund", url.Values{"reason": {"Changed her mind before production"}})
	wantStatus(t, r, http.StatusSeeOther)
	got, _ := s.Deps.Fulfillment.Get(ctx, o.ID)
	if got.Status != fulfillment.OrderRefunded {
		t.Fatalf("after refund: %s", got.Status)
	}
	r = admin.Get(page)
	if !strings.Contains(r.Body, "demo_refund_"+itoa(o.ID)) || !strings.Contains(r.Body, "This order has been refunded") {
		t.Errorf("the refunded order's page:\n%s", r.Body)
	}
	wantStatus(t, admin.PostForm(page+"/refund", url.Values{"reason": {"again"}}), http.StatusConflict)

	// The customer's story links to the order.
	var task fulfillment.FollowUpTask
	if err := s.DB.Where("order_id = ?", o.ID).Take(&task).Error; err != nil {
		t.Fatal(err)
	}
	if r := admin.Get("/staff/followups/" + itoa(task.ID)); !strings.Contains(r.Body, `href="`+page+`"`) {
		t.Error("the follow-up page does not link to the order")
	}
}

// TestRefundNeedsAPaidOrder: an order on hold (settled from its review, not refunded) has no
// refund form, and a refund is refused.
func TestRefundNeedsAPaidOrder(t *testing.T) {
	s := apptest.New(t)
	addStaff(t, s, "ada@atelier.test", fulfillment.RoleAdmin)
	held := heldOrder(t, s, "ann@example.com", 1)
	admin := signIn(t, s, "ada@atelier.test")
	page := "/staff/orders/" + itoa(held.ID)
	if r := admin.Get(page); strings.Contains(r.Body, "Refund this order") {
		t.Error("an order on hold offers a refund")
	}
	wantStatus(t, admin.PostForm(page+"/refund", url.Values{"reason": {"x"}}), http.StatusConflict)
}
