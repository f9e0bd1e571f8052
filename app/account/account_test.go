package account_test

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"atelier/app"
	"atelier/app/account"
	"atelier/app/apptest"
	"atelier/app/checkout"
	"atelier/app/web"
	"atelier/catalog"
	"atelier/fulfillment"
	"atelier/questionnaire"
)

func TestCustomersCannotReachEachOthersProducts(t *testing.T) {
	s := apptest.New(t)
	a, ca := customer(t, s, "a@example.com")
	b, cb := customer(t, s, "b@example.com")
	pa := moisturiser(t, catalog.Selection{"base": {"rich_cream"}})
	pb := moisturiser(t, catalog.Selection{"base": {"gel_cream"}})
	oa := paidOrder(t, s, &a.ID, a.Email, pa)
	paidOrder(t, s, &b.ID, b.Email, pb)

	var list struct{ Products []account.OwnedProduct }
	ca.JSON("GET", "/api/v1/me/products", nil).JSON(t, &list)
	if len(list.Products) != 1 || list.Products[0].Code != pa.Code {
		t.Fatalf("A's products: %+v", list.Products)
	}
	cb.JSON("GET", "/api/v1/me/products", nil).JSON(t, &list)
	if len(list.Products) != 1 || list.Products[0].Code != pb.Code {
		t.Fatalf("B's products: %+v", list.Products)
	}
	if r := cb.Get("/api/v1/me/orders"); strings.Contains(r.Body, pa.Code) || strings.Contains(r.Body, "a@example.com") {
		t.Fatal("B's orders show A's order")
	}
	var mine struct{ Orders []checkout.OrderJSON }
	ra := ca.Get("/api/v1/me/orders")
	ra.JSON(t, &mine)
	if len(mine.Orders) != 1 || mine.Orders[0].ID != oa.ID || len(mine.Orders[0].Items) != 1 || mine.Orders[0].Items[0].Code != pa.Code {
		t.Fatalf("A's orders: %s", ra.Body)
	}
	if strings.Contains(ra.Body, "payment_ref") || strings.Contains(ra.Body, `"tracking":null`) {
		t.Fatalf("A's orders show payment internals or a null tracking list: %s", ra.Body)
	}
	tests := []struct {
		name   string
		do     func() *apptest.Response
		status int
	}{
		{"page reorder", func() *apptest.Response { return cb.PostForm("/account/products/"+pa.Code+"/reorder", nil) }, 404},
		{"page feedback", func() *apptest.Response { return cb.Get("/account/products/" + pa.Code + "/feedback") }, 404},
		{"API reorder", func() *apptest.Response { return cb.JSON("POST", "/api/v1/me/products/"+pa.Code+"/reorder", nil) }, 404},
		{"API feedback", func() *apptest.Response {
			return cb.JSON("POST", "/api/v1/me/products/"+pa.Code+"/feedback", map[string]any{"rating": 1})
		}, 404},
		{"order page", func() *apptest.Response { return cb.Get(fmt.Sprintf("/orders/%d", oa.ID)) }, 404},
		{"guessed order ids", func() *apptest.Response { return cb.Get(fmt.Sprintf("/orders/%d", oa.ID+100)) }, 404},
		{"signed out API", func() *apptest.Response { return s.Client().JSON("GET", "/api/v1/me/products", nil) }, 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if r := tt.do(); r.StatusCode != tt.status {
				t.Fatalf("%d, want %d: %.300s", r.StatusCode, tt.status, r.Body)
			}
		})
	}
	var count int64
	s.DB.Model(&fulfillment.Feedback{}).Count(&count)
	if count != 0 {
		t.Fatalf("%d feedback rows written by refused requests", count)
	}
	// A's own reorder of the same code works and lands in the bag.
	if r := ca.PostForm("/account/products/"+pa.Code+"/reorder", nil); r.StatusCode != 303 || r.Location() != "/bag" {
		t.Fatalf("own reorder: %d %s", r.StatusCode, r.Body)
	}
	if r := ca.Get("/bag"); !strings.Contains(r.Body, pa.Code) && !strings.Contains(r.Body, pa.Name) {
		t.Fatalf("bag lacks the reordered product")
	}
}

// withoutLotion is the default catalog at version 3 with the moisturiser's lotion base removed.
func withoutLotion(t *testing.T) apptest.Option {
	t.Helper()
	src := string(catalog.DefaultYAML())
	start := strings.Index(src, "          - id: lotion\n")
	end := strings.Index(src[start+1:], "          - id: rich_cream\n") + start + 1
	if start < 0 || end <= start {
		t.Fatal("default catalog changed shape")
	}
	mod := strings.Replace(src[:start]+src[end:], "version: 2\n", "version: 3\n", 1)
	history, err := catalog.History()
	if err != nil {
		t.Fatal(err)
	}
	reg, err := catalog.NewRegistry([]byte(mod), history...)
	if err != nil {
		t.Fatal(err)
	}
	return func(d *app.Deps) { d.Catalog = reg }
}

func TestReorderAfterCatalogChangeOffersNearest(t *testing.T) {
	s := apptest.New(t, withoutLotion(t))
	cust, c := customer(t, s, "ada@example.com")
	p := moisturiser(t, catalog.Selection{"base": {"lotion"}})
	paidOrder(t, s, &cust.ID, cust.Email, p)

	page := c.PostForm("/account/products/"+p.Code+"/reorder", nil)
	if page.StatusCode != 200 || !strings.Contains(page.Body, "no longer offered") || !strings.Contains(page.Body, "nearest") || !strings.Contains(page.Body, "Lotion (medium)") {
		t.Fatalf("reorder page: %d %.2000s", page.StatusCode, page.Body)
	}
	r := c.JSON("POST", "/api/v1/me/products/"+p.Code+"/reorder", nil)
	var conflict struct {
		Error   string
		Reorder account.Reorder
	}
	r.JSON(t, &conflict)
	if r.StatusCode != 409 || conflict.Reorder.Same || len(conflict.Reorder.Changes) == 0 {
		t.Fatalf("API reorder: %d %s", r.StatusCode, r.Body)
	}
	base := conflict.Reorder.Changes[0]
	if base.Dimension != "base" || base.From != "Lotion (medium)" || base.To == "" || !strings.Contains(base.Reason, "no longer offered") {
		t.Fatalf("change: %+v", base)
	}
	if conflict.Reorder.Product.Version != "3" {
		t.Fatalf("nearest product from version %q", conflict.Reorder.Product.Version)
	}
	r = c.JSON("POST", "/api/v1/me/products/"+p.Code+"/reorder", map[string]any{"accept_changes": true})
	if r.StatusCode != 200 || !strings.Contains(r.Body, `"added":true`) {
		t.Fatalf("accept changes: %d %s", r.StatusCode, r.Body)
	}
	// Bottle label: the same answer without an account.
	if r := s.Client().Get("/r/" + p.Code); r.StatusCode != 200 || !strings.Contains(r.Body, "no longer offered") {
		t.Fatalf("/r: %d", r.StatusCode)
	}
}

func TestReorderByCode(t *testing.T) {
	s := apptest.New(t)
	p := moisturiser(t, catalog.Selection{"base": {"rich_cream"}})
	c := s.Client()
	if r := c.Get("/r/" + p.Code); r.StatusCode != 200 || !strings.Contains(r.Body, "Add to bag") {
		t.Fatalf("/r: %d", r.StatusCode)
	}
	bad := p.Code[:len(p.Code)-1] + map[bool]string{true: "1", false: "2"}[p.Code[len(p.Code)-1] != '1']
	if r := c.Get("/r/" + bad); r.StatusCode != 404 || !strings.Contains(r.Body, "mistyped") {
		t.Fatalf("mistyped: %d %.300s", r.StatusCode, r.Body)
	}
	if r := c.PostForm("/r/"+p.Code, nil); r.StatusCode != 303 || r.Location() != "/bag" {
		t.Fatalf("add by code: %d", r.StatusCode)
	}
}

func TestSignedReorderLink(t *testing.T) {
	s := apptest.New(t, func(d *app.Deps) { d.LinkSecret = []byte(apptest.Secret) })
	p := moisturiser(t, catalog.Selection{"base": {"rich_cream"}})
	signer := account.NewLinkSigner([]byte(apptest.Secret), s.Clock.Now)
	link := signer.Path(p.Code, "")
	c := s.Client()
	if r := c.Get(link); r.StatusCode != 200 || !strings.Contains(r.Body, "Add to bag") {
		t.Fatalf("signed link: %d", r.StatusCode)
	}
	if r := c.Get(strings.Replace(link, "sig=", "sig=x", 1)); r.StatusCode != 410 || !strings.Contains(r.Body, "not valid") {
		t.Fatalf("forged link: %d", r.StatusCode)
	}
	s.Clock.Advance(account.ReorderLinkTTL + 1)
	if r := c.Get(link); r.StatusCode != 410 || !strings.Contains(r.Body, "expired") || !strings.Contains(r.Body, "Sign in") {
		t.Fatalf("expired link: %d", r.StatusCode)
	}
}

// TestSignedReorderLinkIsOneStep: the reminder email's link names the order, so a customer who
// is not signed in puts the product in a bag with one press, with their name on the label; the
// order in the link cannot be swapped for another.
func TestSignedReorderLinkIsOneStep(t *testing.T) {
	s := apptest.New(t, func(d *app.Deps) { d.LinkSecret = []byte(apptest.Secret) })
	cust, _, respID := consulted(t, s, "ada@example.com")
	name, _ := response(t, s, respID).Answers["name"].(string)
	if name == "" {
		t.Fatal("the consultation has no label name")
	}
	p := moisturiser(t, catalog.Selection{"base": {"rich_cream"}})
	o := paidOrder(t, s, &cust.ID, cust.Email, p)
	signer := account.NewLinkSigner([]byte(apptest.Secret), s.Clock.Now)
	link := signer.Path(p.Code, o.PublicID)

	browser := s.Client() // signed out, as from the email
	page := browser.Get(link)
	if page.StatusCode != 200 || !strings.Contains(page.Body, `action="`+strings.ReplaceAll(link, "&", "&amp;")+`"`) {
		t.Fatalf("signed link page: %d; the form must post to the link itself", page.StatusCode)
	}
	if r := browser.PostForm(link, nil); r.StatusCode != 303 || r.Location() != "/bag" {
		t.Fatalf("add from the signed link: %d %s", r.StatusCode, r.Location())
	}
	var items []checkout.BagItem
	if err := s.DB.Find(&items).Error; err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 || items[0].Code != p.Code || items[0].LabelName != name {
		t.Fatalf("bag items %+v, want %s labelled %q", items, p.Code, name)
	}
	other := strings.Replace(link, "order="+o.PublicID, "order=someone-elses", 1)
	if r := browser.PostForm(other, nil); r.StatusCode != 410 {
		t.Fatalf("link with another order: %d, want 410", r.StatusCode)
	}
}

func TestFeedbackRefinesTheFormula(t *testing.T) {
	s := apptest.New(t)
	cust, c := customer(t, s, "ada@example.com")
	p := moisturiser(t, catalog.Selection{"base": {"rich_cream"}})
	o := paidOrder(t, s, &cust.ID, cust.Email, p)

	// Signed out, by the order's public id from the email.
	guest := s.Client()
	if r := guest.Get("/feedback/" + o.PublicID); r.StatusCode != 200 || strings.Contains(r.Body, "Analytical Row") || strings.Contains(r.Body, cust.Email) {
		t.Fatalf("feedback form: %d", r.StatusCode)
	}
	if r := guest.Get("/feedback/not-a-public-id"); r.StatusCode != 404 {
		t.Fatalf("unknown public id: %d", r.StatusCode)
	}
	if r := guest.PostForm("/feedback/"+o.PublicID, url.Values{"rating": {"9"}}); r.StatusCode != 422 {
		t.Fatalf("bad rating: %d", r.StatusCode)
	}
	r := guest.PostForm("/feedback/"+o.PublicID, url.Values{"rating": {"2"}, "texture": {"too_heavy"}, "irritation": {"no"}})
	if r.StatusCode != 200 || !strings.Contains(r.Body, "Lotion (medium)") || !strings.Contains(r.Body, "too heavy") {
		t.Fatalf("feedback: %d %.1500s", r.StatusCode, r.Body)
	}
	tasks, err := s.Deps.Fulfillment.ListTasks(context.Background(), fulfillment.TaskFilter{})
	if err != nil {
		t.Fatal(err)
	}
	recovery := false
	for _, tk := range tasks {
		recovery = recovery || strings.Contains(strings.ToLower(tk.Kind), "recovery")
	}
	if !recovery {
		t.Fatalf("no recovery task after a rating of 2: %+v", tasks)
	}

	// API, signed in.
	api := c.JSON("POST", "/api/v1/me/products/"+p.Code+"/feedback", map[string]any{"rating": 3, "texture": "too_heavy"})
	var refined account.Refined
	api.JSON(t, &refined)
	if api.StatusCode != 200 || len(refined.Changes) == 0 || refined.Changes[0].Dimension != "base" || refined.Changes[0].To != "Lotion (medium)" {
		t.Fatalf("API feedback: %d %s", api.StatusCode, api.Body)
	}
	if r := c.JSON("POST", "/api/v1/me/products/"+p.Code+"/feedback", map[string]any{"rating": 0}); r.StatusCode != 422 {
		t.Fatalf("API bad rating: %d", r.StatusCode)
	}
}

func TestAccountDeletionErasesPersonalData(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { accountDeletion(t, apptest.New(t)) })
	t.Run("postgres", func(t *testing.T) { accountDeletion(t, apptest.NewPostgres(t)) })
}

func accountDeletion(t *testing.T, s *apptest.Store) {
	ctx := context.Background()
	cust, c := customer(t, s, "ada@example.com")
	if err := s.DB.Exec("UPDATE customers SET email_verified_at = ?, name = ? WHERE id = ?", s.Clock.Now(), "Vic Tim", cust.ID).Error; err != nil {
		t.Fatal(err)
	}
	p := moisturiser(t, catalog.Selection{"base": {"rich_cream"}})
	o := paidOrder(t, s, &cust.ID, cust.Email, p)
	guest := paidOrder(t, s, nil, cust.Email, p)
	r, err := s.Deps.Quiz.Create(ctx, "owner", questionnaire.Default())
	if err != nil {
		t.Fatal(err)
	}
	r.Answers = questionnaire.Answers{"name": labelName}
	if err := s.Deps.Quiz.Save(ctx, r); err != nil {
		t.Fatal(err)
	}
	if err := s.Deps.Quiz.AttachCustomer(ctx, r.ID, cust.ID); err != nil {
		t.Fatal(err)
	}
	// Personal data in every place fulfillment keeps it: email sent (order confirmations,
	// delivered) and waiting (a sign-in link), welcome follow-ups named after the customer,
	// one completed by staff with a note and a low rating (which opens a recovery task),
	// and feedback with a note.
	if _, err := s.Deps.Fulfillment.DeliverOutbox(ctx, fulfillment.LogMailer{Log: slog.New(slog.DiscardHandler)}); err != nil {
		t.Fatal(err)
	}
	s.Client().PostForm("/account/signin/link", url.Values{"email": {cust.Email}})
	s.Clock.Advance(3 * time.Hour)
	carer := fulfillment.Actor{StaffID: 1, Role: fulfillment.RoleCare}
	task, err := s.Deps.Fulfillment.ClaimNextTask(ctx, carer, 0)
	if err != nil || !strings.Contains(task.Title, "Ada Lovelace") {
		t.Fatalf("claim the welcome call: %v %+v", err, task)
	}
	low := 2
	if _, err := s.Deps.Fulfillment.CompleteTask(ctx, task.ID, carer, fulfillment.OutcomeReached, "Vic Tim of Analytical Row finds it greasy", &low); err != nil {
		t.Fatal(err)
	}
	if r := s.Client().PostForm("/feedback/"+o.PublicID, url.Values{"rating": {"4"}, "note": {"Vic Tim likes it"}}); r.StatusCode != 200 {
		t.Fatalf("feedback: %d", r.StatusCode)
	}
	// The name on the label in a paid order's items (name, packaging, preview) and in the bag;
	// staff's notes naming the customer on a held unit and a refund.
	bought := paidWithLabel(t, s, c, p.Code)
	c.PostForm("/bag/add", url.Values{"code": {p.Code}, "quantity": {"1"}, "name": {labelName}})
	fulfiller := fulfillment.Actor{StaffID: 1, Role: fulfillment.RoleFulfillment}
	jobs, err := s.Deps.Fulfillment.ListJobs(ctx, fulfillment.JobFilter{OrderID: &bought.ID})
	if err != nil || len(jobs) == 0 {
		t.Fatalf("jobs %v: %v", jobs, err)
	}
	if _, err := s.Deps.Fulfillment.ClaimJob(ctx, jobs[0].ID, fulfiller, time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Deps.Fulfillment.Transition(ctx, jobs[0].ID, fulfiller, fulfillment.JobTransition{To: fulfillment.JobOnHold, Note: "Vic Tim asked us to wait"}); err != nil {
		t.Fatal(err)
	}
	admin := fulfillment.Actor{StaffID: 1, Role: fulfillment.RoleAdmin}
	if _, err := s.Deps.Fulfillment.Refund(ctx, admin, guest.ID, "Vic Tim changed her mind", ""); err != nil {
		t.Fatal(err)
	}
	needles := []string{cust.Email, "Vic Tim", "Ada Lovelace", "Analytical Row", "N1 9GU", labelName}
	found := personalData(t, s.DB, needles...)
	for _, table := range []string{"outbox_messages", "follow_up_tasks", "audit_entries", "order_items", "order_events",
		"production_jobs", "bag_items", "quiz_responses", "feedbacks", "orders", "customers"} {
		if found[table] == "" {
			t.Fatalf("the set-up should leave personal data in %s; found it in %v", table, found)
		}
	}
	item := bought.Items[0]
	anonymous := strings.TrimPrefix(item.Name, labelName+"'s ")
	if anonymous == item.Name || !strings.Contains(item.PreviewSVG, labelName) {
		t.Fatalf("the order item does not carry the label name: %q", item.Name)
	}
	openBefore := countTasks(t, s, "state IN ?", []string{fulfillment.TaskOpen, fulfillment.TaskClaimed})
	mailBefore := countRows(t, s, "outbox_messages")

	if page := c.Get("/account"); !strings.Contains(page.Body, "Analytical Row") {
		t.Fatal("account page lacks the address")
	}
	if resp := c.PostForm("/account/delete", url.Values{"confirm": {"DELETE"}}); resp.StatusCode != 200 {
		t.Fatalf("delete: %d %s", resp.StatusCode, resp.Body)
	}
	var row account.Customer
	if err := s.DB.Where("id = ?", cust.ID).Take(&row).Error; err != nil {
		t.Fatal(err)
	}
	if row.Email != fmt.Sprintf("deleted-%d@invalid", cust.ID) || row.Name != "" || row.PasswordHash != "" || row.DeletedAt == nil {
		t.Fatalf("customer row: %+v", row)
	}
	for _, id := range []uint{o.ID, guest.ID} {
		got, err := s.Deps.Fulfillment.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if got.Email == cust.Email || got.ShipName != "" || got.ShipLine1 != "" || got.ShipPostalCode != "" || got.ShipCountry != "GB" || got.TotalCents != o.TotalCents {
			t.Fatalf("order %d after deletion: %+v", id, got)
		}
	}
	resp, err := s.Deps.Quiz.Get(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := resp.Answers["name"]; ok {
		t.Fatal("quiz response keeps the name")
	}
	if found := personalData(t, s.DB, needles...); len(found) > 0 {
		t.Errorf("personal data left in %v", found)
	}
	if n := countRows(t, s, "bags", "customer_id = ?", cust.ID); n != 0 {
		t.Errorf("%d bags of the deleted customer left", n)
	}
	// The order stays for the books: product, code, formula and amounts, on the staff pages.
	kept, err := s.Deps.Fulfillment.Get(ctx, bought.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := kept.Items[0]; got.Name != anonymous || got.Code != item.Code || got.Formula != item.Formula ||
		got.LineTotalCents != item.LineTotalCents || kept.TotalCents != bought.TotalCents || got.PreviewSVG != "" {
		t.Errorf("order item after deletion: %q (code %s, %d cents, preview of %d bytes), want %q and the rest as bought",
			got.Name, got.Code, got.LineTotalCents, len(got.PreviewSVG), anonymous)
	}
	staffc := staffClient(t, s)
	page := staffc.Get(fmt.Sprintf("/staff/orders/%d", bought.ID))
	total := web.Money(bought.TotalCents, bought.Currency)
	if page.StatusCode != 200 || !strings.Contains(page.Body, html.EscapeString(anonymous)) || !strings.Contains(page.Body, total) {
		t.Errorf("staff order page of a deleted customer's order: %d, want the product %q and the total %s", page.StatusCode, anonymous, total)
	}
	if page := staffc.Get(fmt.Sprintf("/staff/jobs/%d", jobs[0].ID)); page.StatusCode != 200 || !strings.Contains(page.Body, html.EscapeString(anonymous)) {
		t.Errorf("staff job page of a deleted customer's order: %d", page.StatusCode)
	}
	if pic := s.Client().Get("/api/v1/products/" + item.Code + "/preview.svg"); pic.StatusCode != 200 || !strings.Contains(pic.Body, "<svg") {
		t.Errorf("the bottle picture by code, which replaces the erased one: %d", pic.StatusCode)
	}
	// Counts stay: the email is still there (nothing waiting to go out), the follow-ups too,
	// none left open.
	if n := countRows(t, s, "outbox_messages"); n != mailBefore {
		t.Errorf("%d outbox messages after deletion, want %d", n, mailBefore)
	}
	if n := countTasks(t, s, "state IN ?", []string{fulfillment.TaskOpen, fulfillment.TaskClaimed}); openBefore == 0 || n != 0 {
		t.Errorf("open follow-ups: %d before, %d after deletion, want some then none", openBefore, n)
	}
	if n := countRows(t, s, "outbox_messages", "status IN ?", []string{fulfillment.OutboxPending, fulfillment.OutboxSending}); n != 0 {
		t.Errorf("%d emails still to be sent to a deleted account", n)
	}
	if page := c.Get("/account"); page.StatusCode != 303 {
		t.Fatalf("session survived deletion: %d", page.StatusCode)
	}
	if resp := s.Client().PostForm("/account/signin", url.Values{"email": {"ada@example.com"}, "password": {password}}); resp.StatusCode != 422 {
		t.Fatalf("deleted account signs in: %d", resp.StatusCode)
	}
}

// labelName is the name a customer has printed on their bottles in the deletion test.
const labelName = "Zephyrine"

// paidWithLabel buys code with labelName on its label through the bag, checkout and the
// demo payment, shipping to Ada Lovelace of 12 Analytical Row, and returns the paid order.
func paidWithLabel(t *testing.T, s *apptest.Store, c *apptest.Client, code string) *fulfillment.Order {
	t.Helper()
	if r := c.PostForm("/bag/add", url.Values{"code": {code}, "quantity": {"1"}, "name": {labelName}}); r.StatusCode != 303 {
		t.Fatalf("add to bag: %d %s", r.StatusCode, r.Body)
	}
	r := c.PostForm("/checkout", url.Values{"email": {"ada@example.com"}, "name": {"Ada Lovelace"}, "line1": {"12 Analytical Row"},
		"city": {"London"}, "postal_code": {"N1 9GU"}, "country": {"GB"}})
	if r.StatusCode != 303 || !strings.Contains(r.Location(), "/pay/demo/") {
		t.Fatalf("checkout: %d %s", r.StatusCode, r.Location())
	}
	if r = c.PostForm(r.Location(), nil); r.StatusCode != 303 || !strings.HasPrefix(r.Location(), "/orders/") {
		t.Fatalf("pay: %d %s", r.StatusCode, r.Location())
	}
	var id uint
	if err := s.DB.Raw("SELECT MAX(id) FROM orders").Scan(&id).Error; err != nil {
		t.Fatal(err)
	}
	o, err := s.Deps.Fulfillment.Get(context.Background(), id)
	if err != nil || o.PaidAt == nil {
		t.Fatalf("order %d: %+v %v", id, o, err)
	}
	return o
}

// staffClient signs in a new admin to the staff console.
func staffClient(t *testing.T, s *apptest.Store) *apptest.Client {
	t.Helper()
	return s.Admin("grace@atelier.test")
}

func countRows(t *testing.T, s *apptest.Store, table string, where ...any) int64 {
	t.Helper()
	var n int64
	q := s.DB.Table(table)
	if len(where) > 0 {
		q = q.Where(where[0], where[1:]...)
	}
	if err := q.Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func countTasks(t *testing.T, s *apptest.Store, where ...any) int64 {
	t.Helper()
	return countRows(t, s, "follow_up_tasks", where...)
}

// personalData returns, for every table of the database whose rows hold one of the given
// strings in any text column (names, notes, JSON snapshots, SVG, email bodies), the first
// string found. Case is ignored: a label may print a name in capitals.
func personalData(t *testing.T, db *gorm.DB, needles ...string) map[string]string {
	t.Helper()
	tables, err := db.Migrator().GetTables()
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]string{}
	for _, table := range tables {
		var rows []map[string]any
		if err := db.Table(table).Find(&rows).Error; err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		for _, row := range rows {
			for _, v := range row {
				switch v := v.(type) {
				case string:
					buf.WriteString(v)
				case []byte:
					buf.Write(v)
				}
				buf.WriteByte('\n')
			}
		}
		text := strings.ToLower(buf.String())
		for _, n := range needles {
			if strings.Contains(text, strings.ToLower(n)) {
				found[table] = n
				break
			}
		}
	}
	return found
}
