package checkout_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"atelier/app/account"
	"atelier/app/apptest"
)

const custPassword = "correct horse battery"

// signedIn creates an account and returns a client signed in to it.
func signedIn(t *testing.T, s *apptest.Store, email string) (*account.Customer, *apptest.Client) {
	t.Helper()
	cust := s.Customer(email, "", custPassword)
	c := s.Client()
	if r := c.PostForm("/account/signin", url.Values{"email": {email}, "password": {custPassword}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d", r.StatusCode)
	}
	return cust, c
}

// placeByForm puts the first product in the bag and checks out through the pages; it
// returns the new order's id.
func placeByForm(t *testing.T, s *apptest.Store, c *apptest.Client) uint {
	t.Helper()
	if r := c.PostForm("/bag/add", url.Values{"code": {products(t, s)[0].Code}, "quantity": {"1"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("add: %d %s", r.StatusCode, trim(r.Body))
	}
	if r := c.PostForm("/checkout", checkoutForm()); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("checkout: %d %s", r.StatusCode, trim(r.Body))
	}
	var id uint
	if err := s.DB.Raw("SELECT MAX(id) FROM orders").Scan(&id).Error; err != nil || id == 0 {
		t.Fatalf("no order: %v", err)
	}
	return id
}

// placeByAPI orders the first product through the JSON API.
func placeByAPI(t *testing.T, s *apptest.Store, c *apptest.Client) uint {
	t.Helper()
	r := c.JSON(http.MethodPost, "/api/v1/orders", orderBody(products(t, s)[0].Code, 1))
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("API order: %d %s", r.StatusCode, trim(r.Body))
	}
	var o created
	r.JSON(t, &o)
	return o.ID
}

var signupHref = regexp.MustCompile(`href="(/account/signup\?[^"]*)"`)

// TestOrdersCarryTheSignedInCustomer checks that orders placed while signed in (pages and
// API) belong to the customer and do not offer an account, that a guest's order page offers
// to save their details with the order's email and a way back to the order, and that a
// session ended everywhere places guest orders.
func TestOrdersCarryTheSignedInCustomer(t *testing.T) {
	s := apptest.New(t)
	cust, member := signedIn(t, s, "ana@example.com")
	_, endedClient := signedIn(t, s, "cy@example.com")
	// cy signs out everywhere from a second browser, which ends endedClient's session too.
	other := s.Client()
	other.PostForm("/account/signin", url.Values{"email": {"cy@example.com"}, "password": {custPassword}})
	if r := other.PostForm("/account/signout", url.Values{"everywhere": {"1"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out everywhere: %d", r.StatusCode)
	}

	for _, tc := range []struct {
		name     string
		client   *apptest.Client
		place    func(*testing.T, *apptest.Store, *apptest.Client) uint
		customer *uint
	}{
		{"signed in, pages", member, placeByForm, &cust.ID},
		{"signed in, API", member, placeByAPI, &cust.ID},
		{"guest, pages", s.Client(), placeByForm, nil},
		{"guest, API", s.Client(), placeByAPI, nil},
		{"session ended everywhere", endedClient, placeByForm, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id := tc.place(t, s, tc.client)
			o, err := s.Deps.Fulfillment.Get(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tc.customer == nil && o.CustomerID != nil:
				t.Fatalf("order %d has customer %d, want a guest order", id, *o.CustomerID)
			case tc.customer != nil && (o.CustomerID == nil || *o.CustomerID != *tc.customer):
				t.Fatalf("order %d customer = %v, want %d", id, o.CustomerID, *tc.customer)
			}
			page := tc.client.Get(path("/orders/%d", id))
			if page.StatusCode != http.StatusOK {
				t.Fatalf("order page: %d", page.StatusCode)
			}
			m := signupHref.FindStringSubmatch(page.Body)
			if tc.customer != nil {
				if m != nil || strings.Contains(page.Body, "Save your details for next time") {
					t.Fatal("a signed-in customer's order page offers an account")
				}
				return
			}
			if m == nil || !strings.Contains(page.Body, "Save your details for next time") {
				t.Fatal("a guest's order page does not offer to save their details")
			}
			u, err := url.Parse(html.UnescapeString(m[1]))
			if err != nil {
				t.Fatal(err)
			}
			if q := u.Query(); q.Get("email") != o.Email || q.Get("next") != path("/orders/%d", id) {
				t.Fatalf("sign-up link %s: want email=%s next=/orders/%d", m[1], o.Email, id)
			}
		})
	}
}
