package account_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"atelier/app/account"
	"atelier/app/apptest"
	"atelier/catalog"
	"atelier/fulfillment"
)

// TestFeedbackAnswersInScaleOrder checks that every radio group of the feedback page lists
// its answers from one end of the scale to the other (not alphabetically), on the first
// visit and when the form comes back with problems, and that the error summary follows the
// form's order.
func TestFeedbackAnswersInScaleOrder(t *testing.T) {
	s := apptest.New(t)
	p := moisturiser(t, catalog.Selection{"base": {"rich_cream"}})
	o := paidOrder(t, s, nil, "guest@example.com", p)
	guest := s.Client()
	first := guest.Get("/feedback/" + o.PublicID)
	if first.StatusCode != 200 {
		t.Fatalf("feedback form: %d", first.StatusCode)
	}
	bad := guest.PostForm("/feedback/"+o.PublicID, url.Values{"rating": {"0"}, "texture": {"soggy"}, "scent": {"fine"}, "results": {"much"}})
	if bad.StatusCode != 422 {
		t.Fatalf("bad answers: %d", bad.StatusCode)
	}
	groups := []struct {
		name  string
		order []string
	}{
		{"texture", []string{"too_heavy", "just_right", "too_light"}},
		{"scent", []string{"too_strong", "fine", "too_faint"}},
		{"results", []string{"worse", "no_change", "better"}},
	}
	for _, page := range []struct {
		name string
		body string
	}{{"first visit", first.Body}, {"re-rendered with problems", bad.Body}} {
		for _, g := range groups {
			t.Run(page.name+"/"+g.name, func(t *testing.T) {
				last := -1
				for _, v := range g.order {
					i := strings.Index(page.body, `name="`+g.name+`" value="`+v+`"`)
					if i < 0 {
						t.Fatalf("answer %s missing", v)
					}
					if i < last {
						t.Fatalf("answer %s comes before the one it should follow; want order %v", v, g.order)
					}
					last = i
				}
			})
		}
	}
	t.Run("kept answer", func(t *testing.T) {
		if !strings.Contains(bad.Body, `name="scent" value="fine" checked`) {
			t.Fatal("the scent answer given was not kept")
		}
	})
	t.Run("error summary in form order", func(t *testing.T) {
		summary := bad.Body[strings.Index(bad.Body, "error-summary"):]
		summary = summary[:strings.Index(summary, "</ul>")]
		last := -1
		for _, anchor := range []string{"#rating-group", "#texture-group", "#results-group"} {
			i := strings.Index(summary, anchor)
			if i < 0 || i < last {
				t.Fatalf("summary link %s missing or out of order:\n%s", anchor, summary)
			}
			last = i
		}
	})
}

// The feedback link works signed out and without a limit, so it must not let a rating be
// counted more than once: three 5★ answers and then a 4★ about one product are one answer (the
// last), and the customer's satisfaction is that of one fresh 4★.
func TestFeedbackLinkAnsweredAgainCountsOnce(t *testing.T) {
	s := apptest.New(t)
	cust, err := customers(s).Create(context.Background(), account.NewCustomer{Email: "ada@example.com", Name: "Ada"})
	if err != nil {
		t.Fatal(err)
	}
	o := paidOrder(t, s, &cust.ID, cust.Email, moisturiser(t, catalog.Selection{"base": {"rich_cream"}}))
	for range 3 {
		if r := s.Client().PostForm("/feedback/"+o.PublicID, url.Values{"rating": {"5"}}); r.StatusCode != 200 {
			t.Fatalf("feedback: %d %.300s", r.StatusCode, r.Body)
		}
	}
	if r := s.Client().PostForm("/feedback/"+o.PublicID, url.Values{"rating": {"4"}, "note": {"lovely"}}); r.StatusCode != 200 {
		t.Fatalf("changed answer: %d", r.StatusCode)
	}
	var rows []fulfillment.Feedback
	if err := s.DB.Where("order_id = ?", o.ID).Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Rating != 4 {
		t.Fatalf("feedback rows: %+v", rows)
	}
	var sc struct{ Satisfaction int }
	if err := s.DB.Table("customer_scores").Where("customer_id = ?", cust.ID).Take(&sc).Error; err != nil {
		t.Fatal(err)
	}
	if sc.Satisfaction != 67 { // one fresh 4★: (75 + 0.5·50) / 1.5; four answers would give 89
		t.Fatalf("satisfaction %d, want 67 (one answer)", sc.Satisfaction)
	}
}
