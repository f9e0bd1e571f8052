package staff_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"atelier/app/account"
	"atelier/app/apptest"
	"atelier/fulfillment"
)

var signInLink = regexp.MustCompile(`/account/signin/link/[A-Za-z0-9_-]+`)

// TestOutboxHidesSignInLinks: a sign-in link in the outbox is a key to the customer's
// account, so only admins see the outbox, never the link, and it leaves no trace once sent.
func TestOutboxHidesSignInLinks(t *testing.T) {
	s := apptest.New(t)
	ctx := context.Background()
	addStaff(t, s, "fay@atelier.test", fulfillment.RoleFulfillment)
	addStaff(t, s, "cal@atelier.test", fulfillment.RoleCare)
	addStaff(t, s, "ada@atelier.test", fulfillment.RoleAdmin)
	customers := account.NewStoreWithOptions(s.DB, account.StoreOptions{Now: s.Clock.Now, Passwords: s.Deps.Passwords})
	if _, err := customers.Create(ctx, account.NewCustomer{Email: "ann@example.com", Name: "Ann", Password: password}); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, s.Client().PostForm("/account/signin/link", url.Values{"email": {"ann@example.com"}}), http.StatusOK)
	pending, err := s.Deps.Fulfillment.ListOutbox(ctx, fulfillment.OutboxPending, 10)
	if err != nil || len(pending) != 1 {
		t.Fatalf("outbox: %v %+v", err, pending)
	}
	link := signInLink.FindString(pending[0].Body)
	if link == "" || !pending[0].CarriesSecret() {
		t.Fatalf("the sign-in email (kind %q) holds no link, or is not known to:\n%s", pending[0].Kind, pending[0].Body)
	}

	for _, email := range []string{"fay@atelier.test", "cal@atelier.test"} {
		c := signIn(t, s, email)
		wantStatus(t, c.Get("/staff/outbox"), http.StatusForbidden)
		if strings.Contains(c.Get("/staff").Body, `href="/staff/outbox"`) {
			t.Errorf("%s is offered the outbox", email)
		}
	}
	ada := signIn(t, s, "ada@atelier.test")
	r := ada.Get("/staff/outbox")
	wantStatus(t, r, http.StatusOK)
	if !strings.Contains(r.Body, "ann@example.com") || !strings.Contains(r.Body, "Link hidden") {
		t.Errorf("the admin does not see the email with its link hidden:\n%.2000s", r.Body)
	}
	if strings.Contains(r.Body, link) || strings.Contains(r.Body, "/account/signin/link/") {
		t.Fatal("the outbox page shows the customer's sign-in link")
	}

	// Logged (no SMTP): the log does not get the link, and the stored body is blanked.
	var logged bytes.Buffer
	w := &fulfillment.Worker{Service: s.Deps.Fulfillment, Mailer: fulfillment.LogMailer{Log: slog.New(slog.NewTextHandler(&logged, nil))}}
	if err := w.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logged.String(), "ann@example.com") || strings.Contains(logged.String(), link) {
		t.Errorf("log of the email: want the address, not the link:\n%s", logged.String())
	}
	msg, err := s.Deps.Fulfillment.GetOutboxMessage(ctx, pending[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if msg.Status != fulfillment.OutboxLogged || strings.Contains(msg.Body, link) || msg.Body != fulfillment.RedactedBody {
		t.Errorf("after delivery: status %s, body %q", msg.Status, msg.Body)
	}
}
