package account_test

import (
	"net/url"
	"strings"
	"testing"

	"atelier/app/apptest"
	"atelier/catalog"
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
