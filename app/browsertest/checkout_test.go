package browsertest_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"atelier/app/apptest"
	"atelier/fulfillment"
)

// shopperEmail is the address the journey's shopper checks out and signs up with.
const shopperEmail = "ada.shopper@example.com"

// checkoutAndReorder adds the product on the page to the bag, pays in demo mode, signs up with
// the same email (confirming it from the email in the outbox) and reorders from the account.
func checkoutAndReorder(t *testing.T, s *apptest.Store, tab *Tab, code string) {
	t.Helper()
	addToBag(tab, code)
	orderPath := demoCheckout(tab, "Ada Lovelace")
	t.Logf("paid order at %s", orderPath)

	signUp(t, s, tab, shopperEmail, "Ada")
	tab.Contains("h1", "My account")
	tab.WaitVisible(`.account-product`)
	tab.Contains(".account-product", code)
	tab.Follow(`form[action="/account/products/` + code + `/reorder"] button[type=submit]`)
	if tab.Has(`form[action^="/r/"] button[type=submit]`) { // the catalog changed: the nearest product
		tab.Follow(`form[action^="/r/"] button[type=submit]`)
	}
	if p := tab.Path(); p != "/bag" {
		tab.Visit("/bag")
	}
	tab.WaitVisible(".bag-line")
	tab.Contains(".bag-lines", code)
}

// addToBag submits the product page's Add to bag form and checks the bag holds the product.
func addToBag(tab *Tab, code string) {
	tab.t.Helper()
	tab.Follow(`.product-info form.bag-form button[type=submit]`)
	if tab.Path() != "/bag" {
		tab.Visit("/bag")
	}
	tab.WaitVisible(".bag-line")
	tab.Contains(".bag-lines", code)
}

var orderPath = regexp.MustCompile(`^/orders/[^/?#]+`)

// demoCheckout goes from the bag through the checkout form and the demo payment page to the
// order page, which must say the order is paid; it returns the order page's path.
func demoCheckout(tab *Tab, name string) string {
	tab.t.Helper()
	tab.Follow(`.bag-summary a[href="/checkout"]`)
	tab.Fill("#email", shopperEmail)
	tab.Fill("#name", name)
	tab.Fill("#line1", "12 St James's Square")
	tab.Fill("#city", "London")
	tab.Fill("#postal_code", "SW1Y 4JH")
	country := Eval[string](tab, `(() => {
		const s = document.querySelector("#country");
		const gb = [...s.options].find(o => o.value === "GB");
		return gb ? gb.value : [...s.options].find(o => o.value !== "").value;
	})()`)
	tab.SetValue("#country", country)
	tab.Follow(`form[action="/checkout"] button[type=submit]`)
	if !strings.HasPrefix(tab.Path(), "/pay/demo/") {
		tab.fail("checkout did not lead to the demo payment page")
	}
	tab.Contains("h1", "not a real payment")
	tab.Follow(`form[action^="/pay/demo/"] button[type=submit]`)
	p := tab.Path()
	if !orderPath.MatchString(p) {
		tab.fail("the demo payment did not lead to the order page")
	}
	tab.Contains("h1", "paid")
	return orderPath.FindString(p)
}

var linkInEmail = regexp.MustCompile(`https?://\S+/account/signin/link/\S+`)

// signUp creates an account through the sign-up page and confirms it with the link from the
// email the store queued, ending signed in on the account page.
func signUp(t *testing.T, s *apptest.Store, tab *Tab, email, name string) {
	t.Helper()
	tab.Visit("/account/signup")
	tab.Fill("#email", email)
	tab.Fill("#name", name)
	tab.Fill("#password", "correct horse battery staple")
	tab.Follow(`form[action="/account/signup"] button[type=submit]`)
	msgs, err := s.Deps.Fulfillment.ListOutbox(context.Background(), fulfillment.OutboxPending, 100)
	if err != nil {
		t.Fatalf("outbox: %v", err)
	}
	link := ""
	for _, m := range msgs {
		if strings.EqualFold(m.To, email) && strings.HasPrefix(m.Kind, "account_") {
			link = linkInEmail.FindString(m.Body)
		}
	}
	if link == "" {
		tab.fail("no confirmation email with a sign-in link for %s in the outbox (%d messages)", email, len(msgs))
	}
	tab.VisitURL(link)
	tab.Follow(`form[action^="/account/signin/link/"] button[type=submit]`)
	if !strings.HasPrefix(tab.Path(), "/account") {
		tab.Visit("/account")
	}
}
