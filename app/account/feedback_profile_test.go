package account_test

import (
	"context"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"atelier/app/account"
	"atelier/app/apptest"
	"atelier/catalog"
	"atelier/fulfillment"
)

// nutAllergic answers the consultation as skinAnswers does, plus a nut allergy (a hard rule:
// no nut-derived option, such as the shea butter of the rich cream).
func nutAllergic() map[string]any {
	a := maps.Clone(skinAnswers)
	a["values"] = []string{"nut_allergy"}
	return a
}

// finishConsultation answers a whole consultation through the API as client c and returns
// its id.
func finishConsultation(t *testing.T, c *apptest.Client, answers map[string]any) string {
	t.Helper()
	r := c.JSON(http.MethodPost, "/api/v1/quiz/sessions", nil)
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("start consultation: %d %s", r.StatusCode, r.Body)
	}
	var st quizState
	r.JSON(t, &st)
	return answerAll(t, c, st, answers).ID
}

// TestRefineKeepsHardRules: "too light" moves a lotion to the next richer base the profile
// allows; the rich cream is nut-derived, so a customer with a nut allergy gets the nut-free
// barrier cream.
func TestRefineKeepsHardRules(t *testing.T) {
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	line, err := cat.Line("moisturiser")
	if err != nil {
		t.Fatal(err)
	}
	start := product(t, line, catalog.Selection{"base": {"lotion"}})
	fb := account.Feedback{Rating: 3, Texture: account.TextureTooLight}
	for _, tc := range []struct {
		name string
		prof catalog.Profile
		want string
	}{
		{"no rules", catalog.Profile{}, "rich_cream"},
		{"nut allergy", catalog.Profile{Flags: map[string]bool{"nut_allergy": true}}, "barrier_cream"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, changes, err := account.RefineProduct(line, start, fb, tc.prof)
			if err != nil {
				t.Fatal(err)
			}
			if base := got.Selection()["base"]; len(base) != 1 || base[0] != tc.want || len(changes) == 0 {
				t.Fatalf("base %v, want %s (changes %+v)", base, tc.want, changes)
			}
		})
	}
}

// The feedback link in the email works signed out. Its refinement must use the profile
// behind the order, or a customer's hard rules (here a nut allergy) are dropped: "too light"
// would turn their lotion into the shea butter rich cream.
func TestSignedOutFeedbackKeepsHardRules(t *testing.T) {
	s := apptest.New(t)
	ctx := context.Background()
	lotion := moisturiser(t, catalog.Selection{"base": {"lotion"}})
	answer := url.Values{"rating": {"3"}, "texture": {"too_light"}}
	check := func(t *testing.T, publicID string) {
		t.Helper()
		r := s.Client().PostForm("/feedback/"+publicID, answer)
		if r.StatusCode != 200 {
			t.Fatalf("feedback: %d %.500s", r.StatusCode, r.Body)
		}
		if !strings.Contains(r.Body, "Barrier cream") || strings.Contains(r.Body, "Rich cream") {
			t.Fatalf("refined without the nut allergy:\n%.3000s", r.Body)
		}
	}
	t.Run("customer order", func(t *testing.T) {
		cust, err := customers(s).Create(ctx, account.NewCustomer{Email: "nut@example.com", Name: "Noor"})
		if err != nil {
			t.Fatal(err)
		}
		id := finishConsultation(t, s.Client(), nutAllergic())
		if err := s.Deps.Quiz.AttachCustomer(ctx, id, cust.ID); err != nil {
			t.Fatal(err)
		}
		check(t, paidOrder(t, s, &cust.ID, cust.Email, lotion).PublicID)
	})
	t.Run("guest order from the browser that took the consultation", func(t *testing.T) {
		guest := s.Client()
		finishConsultation(t, guest, nutAllergic())
		o := guestOrder(t, s, guest, "guest-nut@example.com", lotion)
		check(t, o.PublicID)
	})
}

// guestOrder buys p as guest client c through the bag, checkout and the demo payment, and
// returns the paid order.
func guestOrder(t *testing.T, s *apptest.Store, c *apptest.Client, email string, p catalog.Product) *fulfillment.Order {
	t.Helper()
	if r := c.PostForm("/bag/add", url.Values{"code": {p.Code}, "quantity": {"1"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("add to bag: %d %.300s", r.StatusCode, r.Body)
	}
	r := c.PostForm("/checkout", url.Values{"email": {email}, "name": {"Nia Guest"}, "line1": {"1 Rue de Rivoli"},
		"city": {"Paris"}, "postal_code": {"75001"}, "country": {"FR"}})
	if r.StatusCode != http.StatusSeeOther || !strings.Contains(r.Location(), "/pay/demo/") {
		t.Fatalf("checkout: %d %s %.300s", r.StatusCode, r.Location(), r.Body)
	}
	if r = c.PostForm(r.Location(), nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("demo payment: %d", r.StatusCode)
	}
	var o fulfillment.Order
	if err := s.DB.Where("email = ?", email).Order("id DESC").Take(&o).Error; err != nil {
		t.Fatal(err)
	}
	if o.Status != fulfillment.OrderPaid || o.CustomerID != nil {
		t.Fatalf("guest order: %+v", o)
	}
	return &o
}

// TestFeedbackLinkIsRateLimited: the signed-out feedback link takes a few answers per order,
// then 429 with a message, so it cannot be used to flood refinements and audit entries.
func TestFeedbackLinkIsRateLimited(t *testing.T) {
	s := apptest.New(t)
	cust, _ := customer(t, s, "ada@example.com")
	o := paidOrder(t, s, &cust.ID, cust.Email, moisturiser(t, catalog.Selection{"base": {"rich_cream"}}))
	guest := s.Client()
	var last int
	for i := range 8 {
		r := guest.PostForm("/feedback/"+o.PublicID, url.Values{"rating": {"4"}, "texture": {"just_right"}, "irritation": {"no"}})
		last = r.StatusCode
		if i == 0 && r.StatusCode != 200 {
			t.Fatalf("first answer: %d", r.StatusCode)
		}
		if r.StatusCode == 429 {
			if !strings.Contains(r.Body, "Too many attempts") {
				t.Fatalf("429 without a message")
			}
			return
		}
	}
	t.Fatalf("8 answers in a row: last %d, want a 429", last)
}
