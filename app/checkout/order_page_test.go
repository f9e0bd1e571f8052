package checkout_test

import (
	"net/http"
	"reflect"
	"strings"
	"testing"

	"atelier/app/apptest"
	"atelier/app/checkout"
	"atelier/fulfillment"
)

// TestOrderPageProgress follows an order from payment to delivery on its page: the progress
// bar moves, and tracking shows once shipped.
func TestOrderPageProgress(t *testing.T) {
	s := apptest.New(t)
	c := s.Client()
	sh := c.JSON(http.MethodPost, "/api/v1/orders", orderBody(products(t, s)[0].Code, 1))
	var o created
	sh.JSON(t, &o)
	page := c.Get(path("/orders/%d", o.ID))
	mustContain(t, page.Body, "waiting for payment", "Step 1 of 5", `action="/orders/`)
	c.JSON(http.MethodPost, path("/api/v1/orders/%d/demo-payment", o.ID), nil)
	mustContain(t, c.Get(path("/orders/%d?paid=1", o.ID)).Body, "Step 2 of 5", "your order is paid")

	ctx, admin := t.Context(), fulfillment.Actor{StaffID: 1, Role: fulfillment.RoleAdmin}
	jobs, err := s.Deps.Fulfillment.ListJobs(ctx, fulfillment.JobFilter{OrderID: &o.ID})
	if err != nil || len(jobs) != 1 {
		t.Fatalf("jobs %v %v", jobs, err)
	}
	for _, step := range []fulfillment.JobTransition{
		{To: fulfillment.JobCompounding}, {To: fulfillment.JobQualityCheck}, {To: fulfillment.JobPacked},
		{To: fulfillment.JobShipped, Carrier: "La Poste", Tracking: "LP123456789FR"},
	} {
		if _, err := s.Deps.Fulfillment.Transition(ctx, jobs[0].ID, admin, step); err != nil {
			t.Fatalf("%s: %v", step.To, err)
		}
	}
	page = c.Get(path("/orders/%d", o.ID))
	mustContain(t, page.Body, "Step 4 of 5", "La Poste", "LP123456789FR")
	// The API shows the parcel too, and none of the store's payment internals.
	api := c.JSON(http.MethodGet, path("/api/v1/orders/%d", o.ID), nil)
	var got checkout.OrderJSON
	api.JSON(t, &got)
	if want := []fulfillment.Tracking{{Carrier: "La Poste", Number: "LP123456789FR"}}; !reflect.DeepEqual(got.Tracking, want) || got.ShippedAt == nil {
		t.Fatalf("API order: tracking %v shipped %v, want %v", got.Tracking, got.ShippedAt, want)
	}
	for _, internal := range []string{"payment_ref", "payment_attempt_rev", "owner_key"} {
		if strings.Contains(api.Body, internal) {
			t.Errorf("API order shows %s: %s", internal, api.Body)
		}
	}
	if _, err := s.Deps.Fulfillment.Transition(ctx, jobs[0].ID, admin, fulfillment.JobTransition{To: fulfillment.JobDelivered}); err != nil {
		t.Fatal(err)
	}
	page = c.Get(path("/orders/%d", o.ID))
	mustContain(t, page.Body, "Step 5 of 5", "LP123456789FR")
	if strings.Contains(page.Body, `action="/orders/`) {
		t.Fatal("a delivered order offers to pay")
	}
}

// TestOrderPageWithoutFrozenPreview: an order line whose frozen picture was erased (its
// customer deleted their account) shows the catalog's picture of its code, without a name, on
// the page and in the API.
func TestOrderPageWithoutFrozenPreview(t *testing.T) {
	s := apptest.New(t)
	c := s.Client()
	p := products(t, s)[0]
	var o created
	c.JSON(http.MethodPost, "/api/v1/orders", orderBody(p.Code, 1)).JSON(t, &o)
	if err := s.DB.Model(&fulfillment.OrderItem{}).Where("order_id = ?", o.ID).Update("preview_svg", "").Error; err != nil {
		t.Fatal(err)
	}
	want := checkout.PreviewURL(p.Code, "")
	page := c.Get(path("/orders/%d", o.ID))
	if page.StatusCode != http.StatusOK {
		t.Fatalf("order page: %d", page.StatusCode)
	}
	mustContain(t, page.Body, `src="`+want+`"`, fmtMoney(o.TotalCents))
	var got checkout.OrderJSON
	c.JSON(http.MethodGet, path("/api/v1/orders/%d", o.ID), nil).JSON(t, &got)
	if len(got.Items) != 1 || got.Items[0].PreviewURL != want {
		t.Fatalf("API items %+v, want preview %s", got.Items, want)
	}
	if pic := c.Get(want); pic.StatusCode != http.StatusOK || !strings.Contains(pic.Body, "<svg") {
		t.Fatalf("catalog picture: %d", pic.StatusCode)
	}
}
