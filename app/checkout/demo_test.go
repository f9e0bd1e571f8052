package checkout_test

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"atelier/app/apptest"
	"atelier/app/web"
	"atelier/fulfillment"
)

func TestBagCheckoutDemoPay(t *testing.T) {
	s := apptest.New(t)
	c := s.Client()
	ps := products(t, s)
	p := ps[0]
	size, sizePrice := otherSize(p)

	if r := c.PostForm("/bag/add", url.Values{"code": {p.Code}, "quantity": {"2"}, "name": {"Ana"}, "price_cents": {"1"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("add: %d %s", r.StatusCode, trim(r.Body))
	}
	// the same code and size merges
	c.PostForm("/bag/add", url.Values{"code": {p.Code}, "quantity": {"1"}})
	if size != "" {
		c.PostForm("/bag/add", url.Values{"code": {p.Code}, "size": {size}, "quantity": {"1"}})
	}
	bag := c.Get("/bag")
	if bag.StatusCode != http.StatusOK {
		t.Fatalf("bag: %d", bag.StatusCode)
	}
	want := 3*p.PriceCents + sizePrice
	mustContain(t, bag.Body, html.EscapeString(p.Name), "/preview.svg?name=Ana", fmtMoney(want), fmtMoney(want+500), `<span class="count"`)

	form := checkoutForm()
	form.Set("total_cents", "1")
	form.Set("price", "1")
	r := c.PostForm("/checkout", form)
	if r.StatusCode != http.StatusSeeOther || !strings.Contains(r.Location(), "/pay/demo/") {
		t.Fatalf("checkout: %d %s %s", r.StatusCode, r.Location(), trim(r.Body))
	}
	pay := c.Get(r.Location())
	mustContain(t, pay.Body, "not a real payment", "4242", fmtMoney(want+500))
	r = c.PostForm(r.Location(), nil)
	if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/orders/") {
		t.Fatalf("pay: %d %s", r.StatusCode, r.Location())
	}
	order := c.Get(r.Location())
	mustContain(t, order.Body, "your order is paid", "What happens next", fmtMoney(want+500), "/items/")
	if w := countWork(t, s.DB); w.Paid != 1 || w.Jobs == 0 || w.Tasks != 1 || w.Outbox != 1 {
		t.Fatalf("work = %+v", w)
	}
	// the bag is emptied once paid
	if b := c.Get("/bag"); !strings.Contains(b.Body, "Your bag is empty") {
		t.Fatalf("bag not emptied:\n%s", trim(b.Body))
	}
	// another visitor sees a friendly 404
	other := s.Client().Get(r.Location())
	if other.StatusCode != http.StatusNotFound || !strings.Contains(other.Body, "Sign in") {
		t.Fatalf("other visitor: %d", other.StatusCode)
	}
	_ = fulfillment.OrderPaid
}

func fmtMoney(c int64) string { return web.Money(c, "usd") }
