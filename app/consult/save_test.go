package consult_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"atelier/app/apptest"
)

// TestResultOffersAnAccount checks that a guest's result page offers to save the
// consultation in a new account (coming back to it afterwards), and that once the visitor
// signs in the offer is gone and the consultation is theirs.
func TestResultOffersAnAccount(t *testing.T) {
	s := apptest.New(t)
	c := s.Client()
	id := start(t, c)
	_, result := walkPages(t, s, c, id, nil, nil)
	signup := `href="/account/signup?next=/quiz/` + id + `"`
	if !strings.Contains(result, signup) || !strings.Contains(text(result), "Save your consultation — create an account") {
		t.Fatalf("guest result lacks the sign-up offer %s", signup)
	}
	if !strings.Contains(result, `href="/account/signin?next=/quiz/`+id+`"`) {
		t.Error("guest result lacks the sign-in link back to the consultation")
	}
	if r := c.Get("/account/signup?next=/quiz/" + id); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, `value="/quiz/`+id+`"`) {
		t.Fatalf("sign-up page does not carry next: %d", r.StatusCode)
	}

	const email, password = "maya@example.com", "correct horse battery"
	cust := s.Customer(email, "", password)
	r := c.PostForm("/account/signin", url.Values{"email": {email}, "password": {password}, "next": {"/quiz/" + id}})
	if r.StatusCode != http.StatusSeeOther || r.Location() != "/quiz/"+id {
		t.Fatalf("sign in: %d %s", r.StatusCode, r.Location())
	}
	after := c.Get("/quiz/" + id)
	if after.StatusCode != http.StatusOK || !strings.Contains(after.Body, "See your products") {
		t.Fatalf("result after sign-in: %d", after.StatusCode)
	}
	if strings.Contains(after.Body, "/account/signup") {
		t.Error("a signed-in customer is still offered an account")
	}
	if got := stored(t, s, id).CustomerID; got == nil || *got != cust.ID {
		t.Errorf("consultation customer = %v, want %d", got, cust.ID)
	}
}
