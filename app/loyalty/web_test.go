package loyalty_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"atelier/app/apptest"
	"atelier/app/loyalty"
	"atelier/app/loyalty/demo"
	"atelier/app/staff"
	"atelier/catalog"
	"atelier/fulfillment"
	"atelier/questionnaire"
)

const staffPassword = "correct horse battery"

// seededStore starts the whole store with n demo customers, scored.
func seededStore(tb testing.TB, n int) *apptest.Store {
	tb.Helper()
	s := apptest.New(tb)
	cat, err := catalog.Default()
	if err != nil {
		tb.Fatal(err)
	}
	ctx := context.Background()
	if _, err := demo.Seed(ctx, s.DB, demo.Options{Customers: n, Seed: 3, Now: s.Clock.Now(), Quiz: questionnaire.Default(), Store: s.Deps.Quiz, Catalog: cat}); err != nil {
		tb.Fatal(err)
	}
	svc := s.Server.Loyalty()
	if _, err := svc.Backfill(ctx, 12); err != nil {
		tb.Fatal(err)
	}
	if _, err := svc.RecomputeAll(ctx); err != nil {
		tb.Fatal(err)
	}
	return s
}

func signedIn(tb testing.TB, s *apptest.Store, role string) *apptest.Client {
	tb.Helper()
	email := role + "@atelier.example"
	if _, _, err := staff.NewAccounts(s.DB, s.Clock.Now).Add(context.Background(), fulfillment.System,
		staff.NewMember{Email: email, Name: role, Role: role, Password: staffPassword}); err != nil {
		tb.Fatal(err)
	}
	c := s.Client()
	if r := c.PostForm("/staff/login", url.Values{"email": {email}, "password": {staffPassword}}); r.StatusCode != http.StatusSeeOther {
		tb.Fatalf("sign in as %s: %d %s", role, r.StatusCode, r.Body)
	}
	return c
}

func TestDashboardPagesForAdminOnly(t *testing.T) {
	s := seededStore(t, 200)
	admin := signedIn(t, s, fulfillment.RoleAdmin)
	paths := []string{"/staff/dashboard", "/staff/dashboard/revenue.csv", "/staff/dashboard/segments.csv", "/staff/dashboard/movement.csv",
		"/staff/dashboard/movement.csv?period=12m", "/staff/dashboard?period=12m", "/staff/customers", "/staff/customers?segment=champions&score=satisfaction&min_score=70"}
	for _, role := range []string{fulfillment.RoleCare, fulfillment.RoleFulfillment} {
		c := signedIn(t, s, role)
		for _, p := range paths {
			t.Run(role+p, func(t *testing.T) {
				if r := c.Get(p); r.StatusCode != http.StatusForbidden {
					t.Errorf("%s as %s: %d, want 403", p, role, r.StatusCode)
				}
			})
		}
		if r := c.PostForm("/staff/customers/1/recompute", nil); r.StatusCode != http.StatusForbidden {
			t.Errorf("recompute as %s: %d, want 403", role, r.StatusCode)
		}
	}
	t.Run("anonymous is sent to sign in", func(t *testing.T) {
		r := s.Client().Get("/staff/dashboard")
		if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/staff/login") {
			t.Errorf("%d → %s", r.StatusCode, r.Location())
		}
	})
	t.Run("admin sees every chart with its table", func(t *testing.T) {
		r := admin.Get("/staff/dashboard")
		if r.StatusCode != http.StatusOK {
			t.Fatalf("%d %s", r.StatusCode, r.Body)
		}
		if n := strings.Count(r.Body, `role="img"`); n != len(loyalty.ChartIDs) {
			t.Errorf("%d charts, want %d", n, len(loyalty.ChartIDs))
		}
		for _, id := range loyalty.ChartIDs {
			if !strings.Contains(r.Body, `href="/staff/dashboard/`+id+`.csv"`) || !strings.Contains(r.Body, `<title id="chart-`+id+`-title">`) {
				t.Errorf("chart %s lacks its title or CSV link", id)
			}
		}
		if strings.Count(r.Body, "<table>") < len(loyalty.ChartIDs) {
			t.Error("a chart lacks its table")
		}
	})
	t.Run("CSV export", func(t *testing.T) {
		r := admin.Get("/staff/dashboard/revenue.csv")
		if r.StatusCode != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") ||
			!strings.Contains(r.Header.Get("Content-Disposition"), "attachment") || !strings.HasPrefix(r.Body, "Month,Revenue (USD)\n") {
			t.Errorf("%d %v\n%s", r.StatusCode, r.Header, r.Body)
		}
		for _, p := range []string{"/staff/dashboard/nope.csv", "/staff/dashboard/revenue", "/staff/dashboard/revenue.txt"} {
			if r := admin.Get(p); r.StatusCode != http.StatusNotFound {
				t.Errorf("%s: %d, want 404", p, r.StatusCode)
			}
		}
	})
	t.Run("movement between segments for a chosen period", func(t *testing.T) {
		r := admin.Get("/staff/dashboard")
		for _, want := range []string{`<select id="movement-period" name="period">`, `<option value="30d" selected>Last 30 days</option>`,
			"Movement between segments: Last 30 days", "<th scope=\"col\">From ↓ / to →</th>", "<th scope=\"row\">Not scored before</th>",
			`stroke-dasharray`, `href="/staff/dashboard/movement.csv"`} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("dashboard lacks %s", want)
			}
		}
		month := s.Clock.Now().UTC().AddDate(0, -2, 0)
		key := month.Format("2006-01")
		r = admin.Get("/staff/dashboard?period=" + key)
		for _, want := range []string{"Movement between segments: " + month.Format("January 2006"), `<option value="` + key + `" selected>`,
			`href="/staff/dashboard/movement.csv?period=` + key + `"`} {
			if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, want) {
				t.Errorf("?period=%s: %d, lacks %s", key, r.StatusCode, want)
			}
		}
		r = admin.Get("/staff/dashboard?period=1999-01")
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Choose one of the listed periods.") ||
			!strings.Contains(r.Body, `aria-invalid="true"`) || !strings.Contains(r.Body, "Movement between segments: Last 30 days") {
			t.Errorf("unknown period: %d, want 422 with the message and the default period", r.StatusCode)
		}
	})
	t.Run("movement CSV", func(t *testing.T) {
		r := admin.Get("/staff/dashboard/movement.csv")
		if r.StatusCode != http.StatusOK || !strings.HasPrefix(r.Body, "From ↓ / to →,\"At risk, valuable\",Champions,") ||
			!strings.Contains(r.Header.Get("Content-Disposition"), "atelier-movement-30d-") {
			t.Fatalf("%d %v\n%s", r.StatusCode, r.Header, r.Body)
		}
		// every scored customer is counted once: the grand total is the customers per segment
		lines := strings.Split(strings.TrimSpace(r.Body), "\n")
		last := strings.Split(lines[len(lines)-1], ",")
		seg := admin.Get("/staff/dashboard/segments.csv")
		scored := 0
		for _, l := range strings.Split(strings.TrimSpace(seg.Body), "\n")[1:] {
			n, _ := strconv.Atoi(l[strings.LastIndex(l, ",")+1:])
			scored += n
		}
		if last[0] != "Total" || last[len(last)-1] != strconv.Itoa(scored) || scored == 0 {
			t.Errorf("total row %v, want %d customers", last, scored)
		}
		if r := admin.Get("/staff/dashboard/movement.csv?period=12m"); r.StatusCode != http.StatusOK || !strings.Contains(r.Header.Get("Content-Disposition"), "movement-12m") {
			t.Errorf("12m: %d %v", r.StatusCode, r.Header)
		}
		if r := admin.Get("/staff/dashboard/movement.csv?period=1999-01"); r.StatusCode != http.StatusNotFound {
			t.Errorf("unknown period: %d, want 404", r.StatusCode)
		}
	})
	t.Run("customer list and page", func(t *testing.T) {
		r := admin.Get("/staff/customers?segment=champions")
		if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "/staff/customers/") {
			t.Fatalf("%d %s", r.StatusCode, r.Body)
		}
		var id string
		_, rest, _ := strings.Cut(r.Body, `href="/staff/customers/`)
		id, _, _ = strings.Cut(rest, `"`)
		page := admin.Get("/staff/customers/" + id)
		if page.StatusCode != http.StatusOK || strings.Count(page.Body, "<meter") != 4 || !strings.Contains(page.Body, "Champions") ||
			!strings.Contains(page.Body, "Strategy:") || !strings.Contains(page.Body, "Segment history") {
			t.Errorf("customer page %d\n%s", page.StatusCode, page.Body)
		}
		if r := admin.PostForm("/staff/customers/"+id+"/recompute", nil); r.StatusCode != http.StatusSeeOther {
			t.Errorf("recompute: %d", r.StatusCode)
		}
		for _, p := range []string{"/staff/customers/999999", "/staff/customers/abc"} {
			if r := admin.Get(p); r.StatusCode != http.StatusNotFound {
				t.Errorf("%s: %d, want 404", p, r.StatusCode)
			}
		}
	})
	t.Run("bad filters answer 422 with words", func(t *testing.T) {
		for q, want := range map[string]string{
			"min_score=abc":             "whole number from 0 to 100",
			"min_score=101":             "whole number from 0 to 100",
			"min_score=80&max_score=20": "must not be above",
			"segment=vip":               "Choose one of the listed segments",
			"score=charm":               "Choose satisfaction, value",
			"page=0":                    "whole number from 1",
		} {
			r := admin.Get("/staff/customers?" + q)
			if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, want) || !strings.Contains(r.Body, `aria-invalid="true"`) && !strings.Contains(q, "page") {
				t.Errorf("%s: %d, want 422 with %q", q, r.StatusCode, want)
			}
		}
	})
}

func TestCSVExportEscapesFormulaCells(t *testing.T) {
	s := seededStore(t, 20)
	// a product line whose name looks like a formula reaches the top-lines chart
	var item fulfillment.OrderItem
	if err := s.DB.Order("id").Take(&item).Error; err != nil {
		t.Fatal(err)
	}
	if err := s.DB.Model(&item).Update("line", `=HYPERLINK("http://evil.example","x")`).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := s.Server.Loyalty().RecomputeAll(context.Background()); err != nil { // also drops the cached dashboard
		t.Fatal(err)
	}
	admin := signedIn(t, s, fulfillment.RoleAdmin)
	r := admin.Get("/staff/dashboard/top_lines.csv")
	if !strings.Contains(r.Body, `"'=HYPERLINK(""http://evil.example"",""x"")"`) {
		t.Errorf("formula cell not escaped:\n%s", r.Body)
	}
	// a segment no longer defined shows under its stored name, in a row and a column
	var sc loyalty.CustomerScore
	if err := s.DB.Order("customer_id").Take(&sc).Error; err != nil {
		t.Fatal(err)
	}
	if err := s.DB.Create(&loyalty.SegmentMove{CustomerID: sc.CustomerID, From: sc.Segment, To: "@SUM(A1:A9)", At: s.Clock.Now()}).Error; err != nil {
		t.Fatal(err)
	}
	s.Server.Loyalty().InvalidateDashboard()
	r = admin.Get("/staff/dashboard/movement.csv")
	if !strings.Contains(r.Body, ",'@SUM(A1:A9),Total\n") || !strings.Contains(r.Body, "\n'@SUM(A1:A9),0,") {
		t.Errorf("formula segment name not escaped:\n%s", r.Body)
	}
}
