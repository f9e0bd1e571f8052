package staff_test

import (
	"context"
	"html"
	"net/http"
	"strings"
	"testing"

	"atelier/app/account"
	"atelier/app/apptest"
	"atelier/fulfillment"
	"atelier/questionnaire"
)

// completeConsultation answers every question of the current quiz for customerID (first
// option, lowest value, a name) and returns the profile summary the answers make.
func completeConsultation(t *testing.T, s *apptest.Store, customerID uint) []string {
	t.Helper()
	ctx := context.Background()
	q := s.Deps.QuizCurrent
	r, err := s.Deps.Quiz.Create(ctx, "consultation-owner", q)
	if err != nil {
		t.Fatal(err)
	}
	for range 100 {
		st := q.State(r.Answers)
		if st.Done {
			break
		}
		n := st.Next
		var v any = "Maya"
		switch {
		case len(n.Options) > 0 && n.Kind == questionnaire.KindMulti:
			v = []string{n.Options[0].Value}
		case len(n.Options) > 0:
			v = n.Options[0].Value
		case n.Min != nil:
			v = *n.Min
		}
		if r.Answers, err = q.Answer(r.Answers, n.ID, v); err != nil {
			t.Fatalf("answer %s: %v", n.ID, err)
		}
	}
	if err := s.Deps.Quiz.Save(ctx, r); err != nil {
		t.Fatal(err)
	}
	if err := s.Deps.Quiz.AttachCustomer(ctx, r.ID, customerID); err != nil {
		t.Fatal(err)
	}
	if r, err = s.Deps.Quiz.Get(ctx, r.ID); err != nil || !r.Completed() {
		t.Fatalf("consultation not completed: %v", err)
	}
	return q.State(r.Answers).Profile.Summary()
}

// TestFollowupShowsTheCustomerProfile checks that a follow-up task shows the profile of the
// customer's latest completed consultation, says so when the customer has none, and says
// that a guest order has no account to look up.
func TestFollowupShowsTheCustomerProfile(t *testing.T) {
	s := apptest.New(t)
	ctx := context.Background()
	addStaff(t, s, "ada@atelier.test", fulfillment.RoleAdmin)
	customers := account.NewStoreWithOptions(s.DB, account.StoreOptions{Now: s.Clock.Now, Passwords: s.Deps.Passwords})
	withQuiz, err := customers.Create(ctx, account.NewCustomer{Email: "maya@example.com", Name: "Maya"})
	if err != nil {
		t.Fatal(err)
	}
	withoutQuiz, err := customers.Create(ctx, account.NewCustomer{Email: "noor@example.com", Name: "Noor"})
	if err != nil {
		t.Fatal(err)
	}
	summary := completeConsultation(t, s, withQuiz.ID)
	if len(summary) == 0 {
		t.Fatal("the consultation has an empty summary")
	}
	ada := signIn(t, s, "ada@atelier.test")

	for _, tc := range []struct {
		name     string
		customer *uint
		email    string
		want     []string
		dontWant []string
	}{
		{"customer with a consultation", &withQuiz.ID, withQuiz.Email, append([]string{"From the consultation completed"}, summary...), []string{"Guest order"}},
		{"customer without one", &withoutQuiz.ID, withoutQuiz.Email, []string{"No completed consultation yet."}, []string{"Guest order", summary[0]}},
		{"guest order", nil, "guest@example.com", []string{"Guest order: no account"}, []string{"From the consultation completed"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := paidOrderFor(t, s, tc.customer, tc.email, 1)
			tasks, err := s.Deps.Fulfillment.ListTasks(ctx, fulfillment.TaskFilter{})
			if err != nil {
				t.Fatal(err)
			}
			var task uint
			for _, tk := range tasks {
				if tk.OrderID != nil && *tk.OrderID == o.ID {
					task = tk.ID
				}
			}
			if task == 0 {
				t.Fatalf("no follow-up task for order %d", o.ID)
			}
			r := ada.Get("/staff/followups/" + itoa(task))
			wantStatus(t, r, http.StatusOK)
			body := html.UnescapeString(r.Body)
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			for _, w := range tc.dontWant {
				if strings.Contains(body, w) {
					t.Errorf("page shows %q", w)
				}
			}
		})
	}
}
