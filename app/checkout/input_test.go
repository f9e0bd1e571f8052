package checkout_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"atelier/app/apptest"
	"atelier/fulfillment"
)

// TestAPIOrderBadInput: every bad request is a 4xx naming what is wrong, and writes nothing.
func TestAPIOrderBadInput(t *testing.T) {
	s := apptest.New(t)
	c := s.Client()
	code := products(t, s)[0].Code
	withAddr := func(drop ...string) map[string]any {
		b := orderBody(code, 1)
		a := address()
		for _, k := range drop {
			delete(a, k)
		}
		b["shipping_address"] = a
		return b
	}
	tooMany := orderBody(code, 1)
	var items []map[string]any
	for range 21 {
		items = append(items, map[string]any{"code": code, "quantity": 1})
	}
	tooMany["items"] = items
	splitLines := orderBody(code, 1) // the same product on two lines, 12 units in all
	splitLines["items"] = []map[string]any{{"code": code, "quantity": 6}, {"code": code, "quantity": 6}}
	for _, tc := range []struct {
		name   string
		body   any
		status int
		fields []string
	}{
		{"negative quantity", orderBody(code, -1), 422, []string{"items[0].quantity"}},
		{"zero quantity", orderBody(code, 0), 422, []string{"items[0].quantity"}},
		{"eleven", orderBody(code, 11), 422, []string{"items[0].quantity"}},
		{"huge quantity", orderBody(code, 1e12), 422, []string{"items[0].quantity"}},
		{"huger than int64", `{"items":[{"code":"` + code + `","quantity":1e300}],"email":"a@b.co","shipping_address":{"name":"A","line1":"B","city":"C","postal_code":"1","country":"FR"}}`, 422, []string{"items[0].quantity"}},
		{"fractional quantity", orderBody(code, 1.5), 422, []string{"items[0].quantity"}},
		{"quantity as text", orderBody(code, "2"), 400, nil},
		{"unknown code", orderBody("ZZZZZZZZ", 1), 422, []string{"items[0].code"}},
		{"empty code", orderBody("", 1), 422, []string{"items[0].code"}},
		{"no items", map[string]any{"email": "a@b.co", "shipping_address": address()}, 422, []string{"items"}},
		{"too many items", tooMany, 422, []string{"items"}},
		{"one product over its limit across lines", splitLines, 422, []string{"items[1].quantity"}},
		{"impossible size", map[string]any{"items": []map[string]any{{"code": code, "size": "ml9999", "quantity": 1}}, "email": "a@b.co", "shipping_address": address()}, 422, []string{"items[0].size"}},
		{"missing address fields", withAddr("name", "city", "postal_code", "country"), 422,
			[]string{"shipping_address.name", "shipping_address.city", "shipping_address.postal_code", "shipping_address.country"}},
		{"bad country", map[string]any{"items": []map[string]any{{"code": code, "quantity": 1}}, "email": "a@b.co",
			"shipping_address": map[string]any{"name": "A", "line1": "B", "city": "C", "postal_code": "1", "country": "XX"}}, 422, []string{"shipping_address.country"}},
		{"bad email", map[string]any{"items": []map[string]any{{"code": code, "quantity": 1}}, "email": "nope", "shipping_address": address()}, 422, []string{"email"}},
		{"everything wrong at once", map[string]any{"items": []map[string]any{{"code": "ZZZZZZZZ", "quantity": 0}}, "email": ""}, 422,
			[]string{"items[0].quantity", "email", "shipping_address.line1"}},
		{"malformed JSON", `{"items": [`, 400, nil},
		{"empty body", "", 400, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := c.JSON(http.MethodPost, "/api/v1/orders", tc.body)
			if r.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", r.StatusCode, tc.status, r.Body)
			}
			var e struct {
				Error  string            `json:"error"`
				Fields map[string]string `json:"fields"`
			}
			r.JSON(t, &e)
			if e.Error == "" {
				t.Fatalf("no message: %s", r.Body)
			}
			for _, f := range tc.fields {
				if e.Fields[f] == "" {
					t.Errorf("field %s not named: %s", f, r.Body)
				}
			}
		})
	}
	var n int64
	s.DB.Model(&fulfillment.Order{}).Count(&n)
	if n != 0 {
		t.Fatalf("%d orders written by bad requests", n)
	}
}

// TestPriceTamperingIgnored: price and total fields in the JSON and in forms change nothing.
func TestPriceTamperingIgnored(t *testing.T) {
	s := apptest.New(t)
	c := s.Client()
	p := products(t, s)[0]
	body := orderBody(p.Code, 2)
	body["total_cents"], body["subtotal_cents"], body["shipping_cents"], body["currency"] = 1, 1, 0, "jpy"
	body["items"].([]map[string]any)[0]["unit_price_cents"] = 1
	body["items"].([]map[string]any)[0]["price_cents"] = 1
	r := c.JSON(http.MethodPost, "/api/v1/orders", body)
	var o created
	r.JSON(t, &o)
	if r.StatusCode != http.StatusCreated || o.TotalCents != 2*p.PriceCents+500 || o.Currency != "USD" || o.Items[0].UnitPriceCents != p.PriceCents {
		t.Fatalf("api: %d %+v, want total %d", r.StatusCode, o, 2*p.PriceCents+500)
	}
	// forms: price fields on add and on checkout are ignored too
	c.PostForm("/bag/add", url.Values{"code": {p.Code}, "quantity": {"1"}, "price": {"1"}, "unit_price_cents": {"1"}})
	f := checkoutForm()
	f.Set("total_cents", "1")
	f.Set("subtotal_cents", "1")
	r = c.PostForm("/checkout", f)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("checkout: %d %s", r.StatusCode, trim(r.Body))
	}
	var got fulfillment.Order
	s.DB.Order("id desc").Take(&got)
	if got.TotalCents != p.PriceCents+500 {
		t.Fatalf("form order total %d, want %d", got.TotalCents, p.PriceCents+500)
	}
	// demo payment pays the server's total
	r = c.JSON(http.MethodPost, path("/api/v1/orders/%d/demo-payment", o.ID), map[string]any{"amount_cents": 1})
	var paid created
	r.JSON(t, &paid)
	if r.StatusCode != http.StatusOK || paid.Status != fulfillment.OrderPaid || paid.TotalCents != o.TotalCents {
		t.Fatalf("demo payment: %d %s", r.StatusCode, r.Body)
	}
}

// TestOrdersArePrivate: another session cannot read, pay or see an order (404 everywhere).
func TestOrdersArePrivate(t *testing.T) {
	s := apptest.New(t)
	owner, other := s.Client(), s.Client()
	r := owner.JSON(http.MethodPost, "/api/v1/orders", orderBody(products(t, s)[0].Code, 1))
	var o created
	r.JSON(t, &o)
	for _, tc := range []struct {
		name string
		do   func(c *apptest.Client) *apptest.Response
	}{
		{"api get", func(c *apptest.Client) *apptest.Response {
			return c.JSON(http.MethodGet, path("/api/v1/orders/%d", o.ID), nil)
		}},
		{"api demo pay", func(c *apptest.Client) *apptest.Response {
			return c.JSON(http.MethodPost, path("/api/v1/orders/%d/demo-payment", o.ID), nil)
		}},
		{"order page", func(c *apptest.Client) *apptest.Response { return c.Get(path("/orders/%d", o.ID)) }},
		{"demo pay page", func(c *apptest.Client) *apptest.Response { return c.Get(path("/pay/demo/%d", o.ID)) }},
		{"demo pay post", func(c *apptest.Client) *apptest.Response { return c.PostForm(path("/pay/demo/%d", o.ID), nil) }},
		{"resume payment", func(c *apptest.Client) *apptest.Response { return c.PostForm(path("/orders/%d/pay", o.ID), nil) }},
		{"bottle preview", func(c *apptest.Client) *apptest.Response { return c.Get(path("/orders/%d/items/1/preview.svg", o.ID)) }},
		{"not a number", func(c *apptest.Client) *apptest.Response { return c.JSON(http.MethodGet, "/api/v1/orders/abc", nil) }},
		{"missing", func(c *apptest.Client) *apptest.Response { return c.JSON(http.MethodGet, "/api/v1/orders/999999", nil) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if r := tc.do(other); r.StatusCode != http.StatusNotFound {
				t.Fatalf("other session: %d %s", r.StatusCode, trim(r.Body))
			}
		})
	}
	if w := countWork(t, s.DB); w.Paid != 0 {
		t.Fatal("another session paid the order")
	}
	if r := owner.JSON(http.MethodGet, path("/api/v1/orders/%d", o.ID), nil); r.StatusCode != http.StatusOK {
		t.Fatalf("owner: %d", r.StatusCode)
	}
	if r := owner.Get(path("/orders/%d/items/1/preview.svg", o.ID)); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "<svg") {
		t.Fatalf("owner preview: %d", r.StatusCode)
	}
}

// TestBagBadInput: the bag refuses bad quantities, codes and sizes with a message (422),
// and someone else's item is 404.
func TestBagBadInput(t *testing.T) {
	s := apptest.New(t)
	c := s.Client()
	p := products(t, s)[0]
	for _, tc := range []struct {
		name string
		form url.Values
		want string
	}{
		{"zero", url.Values{"code": {p.Code}, "quantity": {"0"}}, "quantity from 1 to 10"},
		{"negative", url.Values{"code": {p.Code}, "quantity": {"-4"}}, "quantity from 1 to 10"},
		{"huge", url.Values{"code": {p.Code}, "quantity": {"99999999999999999999"}}, "quantity from 1 to 10"},
		{"text", url.Values{"code": {p.Code}, "quantity": {"two"}}, "quantity from 1 to 10"},
		{"unknown code", url.Values{"code": {"ZZZZZZZZ"}, "quantity": {"1"}}, "code"},
		{"no code", url.Values{"quantity": {"1"}}, "Choose a product"},
		{"bad size", url.Values{"code": {p.Code}, "size": {"ml9999"}, "quantity": {"1"}}, "does not come in that size"},
		{"label name too long", url.Values{"code": {p.Code}, "quantity": {"1"}, "name": {strings.Repeat("x", 41)}}, "at most 40"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := c.PostForm("/bag/add", tc.form)
			if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, tc.want) {
				t.Fatalf("%d, want 422 with %q:\n%s", r.StatusCode, tc.want, trim(r.Body))
			}
		})
	}
	// merging past 10 is refused, the bag unchanged
	c.PostForm("/bag/add", url.Values{"code": {p.Code}, "quantity": {"8"}})
	if r := c.PostForm("/bag/add", url.Values{"code": {p.Code}, "quantity": {"3"}}); r.StatusCode != 422 || !strings.Contains(r.Body, "already holds 8") {
		t.Fatalf("merge past 10: %d", r.StatusCode)
	}
	var item struct{ ID, Quantity int }
	s.DB.Table("bag_items").Select("id, quantity").Take(&item)
	if item.Quantity != 8 {
		t.Fatalf("quantity %d, want 8", item.Quantity)
	}
	if r := c.PostForm(path("/bag/items/%d", item.ID), url.Values{"quantity": {"0"}}); r.StatusCode != 422 {
		t.Fatalf("update to 0: %d", r.StatusCode)
	}
	if r := c.PostForm(path("/bag/items/%d", item.ID), url.Values{"quantity": {"4"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("update: %d", r.StatusCode)
	}
	other := s.Client()
	for _, p := range []string{path("/bag/items/%d", item.ID), path("/bag/items/%d/remove", item.ID)} {
		if r := other.PostForm(p, url.Values{"quantity": {"2"}}); r.StatusCode != http.StatusNotFound {
			t.Fatalf("other visitor %s: %d", p, r.StatusCode)
		}
	}
	if r := c.PostForm(path("/bag/items/%d/remove", item.ID), nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("remove: %d", r.StatusCode)
	}
	if r := c.Get("/bag"); !strings.Contains(r.Body, "Your bag is empty") {
		t.Fatal("not removed")
	}
	// JSON clients get {error, fields}
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/bag/add", strings.NewReader(url.Values{"_csrf": {c.CSRF()}, "code": {"ZZZZZZZZ"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if r := c.Do(req); r.StatusCode != 422 || !strings.Contains(r.Body, `"fields":{"code"`) {
		t.Fatalf("json add: %d %s", r.StatusCode, r.Body)
	}
}

// TestBagLimits: at most MaxItems products in a bag.
func TestBagLimits(t *testing.T) {
	s := apptest.New(t)
	c := s.Client()
	codes := manyCodes(t, s, 25)
	added := 0
	seen := map[string]bool{}
	for _, code := range codes {
		if seen[code] {
			continue
		}
		seen[code] = true
		r := c.PostForm("/bag/add", url.Values{"code": {code}, "quantity": {"1"}})
		if added < 20 && r.StatusCode == http.StatusSeeOther {
			added++
			continue
		}
		if added == 20 {
			if r.StatusCode != 422 || !strings.Contains(r.Body, "at most 20") {
				t.Fatalf("21st product: %d", r.StatusCode)
			}
			return
		}
	}
	t.Skipf("only %d distinct products to add", added)
}

// TestCheckoutFormErrors: missing fields re-render the form with 422, each named beside its field.
func TestCheckoutFormErrors(t *testing.T) {
	s := apptest.New(t)
	c := s.Client()
	if r := c.Get("/checkout"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("empty bag checkout: %d", r.StatusCode)
	}
	if r := c.PostForm("/checkout", checkoutForm()); r.StatusCode != 422 || !strings.Contains(r.Body, "Your bag is empty") {
		t.Fatalf("empty bag submit: %d", r.StatusCode)
	}
	c.PostForm("/bag/add", url.Values{"code": {products(t, s)[0].Code}, "quantity": {"1"}})
	f := checkoutForm()
	for _, k := range []string{"name", "city", "postal_code", "country"} {
		f.Del(k)
	}
	f.Set("email", "not-an-email")
	r := c.PostForm("/checkout", f)
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", r.StatusCode)
	}
	for _, id := range []string{"email", "name", "city", "postal_code", "country"} {
		mustContain(t, r.Body, `id="`+id+`-error"`, `aria-describedby="`+id)
	}
	mustContain(t, r.Body, `value="1 Rue de Rivoli"`, "Please enter the city")
	var n int64
	s.DB.Model(&fulfillment.Order{}).Count(&n)
	if n != 0 {
		t.Fatalf("%d orders written", n)
	}
	if r := c.Get("/checkout"); r.StatusCode != 200 || !strings.Contains(r.Body, `autocomplete="shipping postal-code"`) {
		t.Fatalf("form: %d", r.StatusCode)
	}
}

// TestCancelReturnsToBag: leaving the payment page keeps the bag, with a message.
func TestCancelReturnsToBag(t *testing.T) {
	s := apptest.New(t)
	c := s.Client()
	c.PostForm("/bag/add", url.Values{"code": {products(t, s)[0].Code}, "quantity": {"1"}})
	r := c.Get("/checkout/cancel?order=1")
	if r.StatusCode != http.StatusSeeOther || r.Location() != "/bag?cancelled=1" {
		t.Fatalf("cancel: %d %s", r.StatusCode, r.Location())
	}
	mustContain(t, c.Get(r.Location()).Body, "Payment cancelled", "Checkout")
}
