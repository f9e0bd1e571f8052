package consult_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"atelier/app/apptest"
)

// A consultation started while signed in belongs to the customer at once, so "my account"
// and re-consultation find it; a guest's stays unattached until they sign in.
func TestConsultationStartedSignedInBelongsToCustomer(t *testing.T) {
	s := apptest.New(t)
	const email, password = "ada@example.com", "a-long-enough-password"
	cust := s.Customer(email, "", password)
	signed := s.Client()
	if r := signed.PostForm("/account/signin", url.Values{"email": {email}, "password": {password}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d %s", r.StatusCode, r.Body)
	}
	for _, tc := range []struct {
		name   string
		client *apptest.Client
		want   *uint
	}{
		{"signed in", signed, &cust.ID},
		{"guest", s.Client(), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.client.JSON(http.MethodPost, "/api/v1/quiz/sessions", nil)
			if r.StatusCode != http.StatusCreated {
				t.Fatalf("create: %d %s", r.StatusCode, r.Body)
			}
			var created struct{ ID string }
			r.JSON(t, &created)
			resp, err := s.Deps.Quiz.Get(context.Background(), created.ID)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tc.want == nil && resp.CustomerID != nil:
				t.Fatalf("guest consultation attached to customer %d", *resp.CustomerID)
			case tc.want != nil && (resp.CustomerID == nil || *resp.CustomerID != *tc.want):
				t.Fatalf("consultation customer = %v, want %d", resp.CustomerID, *tc.want)
			}
		})
	}
}
