package staff_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"atelier/app/apptest"
	"atelier/fulfillment"
)

func TestConsolePages(t *testing.T) {
	s := apptest.New(t)
	ctx := context.Background()
	addStaff(t, s, "ada@atelier.test", fulfillment.RoleAdmin)
	paidOrder(t, s, "ann@example.com", 2)
	w := &fulfillment.Worker{Service: s.Deps.Fulfillment} // LogMailer: the confirmation email is "logged"
	if err := w.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	s.Clock.Advance(30 * 24 * time.Hour) // the welcome call is overdue
	ada := signIn(t, s, "ada@atelier.test")

	// claim from the list page → the batch sheet
	r := ada.PostForm("/staff/production/claim", nil)
	wantStatus(t, r, http.StatusSeeOther)
	sheetPath := r.Location()
	if !regexp.MustCompile(`^/staff/jobs/\d+$`).MatchString(sheetPath) {
		t.Fatalf("claim went to %q", sheetPath)
	}
	r = ada.PostForm("/staff/followups/claim", nil)
	wantStatus(t, r, http.StatusSeeOther)
	taskPath := r.Location()

	pages := []struct {
		path string
		want []string
	}{
		{"/staff", []string{"Production queue by status", `<svg class="chart"`, `id="jobs-table"`, "Overdue follow-ups"}},
		{"/staff/production", []string{"Claim next job", "Ada&#39;s Calm Serum", "unit 1 of 2", "ada"}},
		{"/staff/production?status=compounding", []string{"No jobs here."}},
		{sheetPath, []string{"Batch sheet", "Aqua", "Niacinamide", "Phase A", "Phase C", "1 ml ≈ 1 g",
			">2.25<", // 4.50 % of 50 ml
			">4.50<", // …and of the line's 2 units
			"Made for Ada", "Quality check", `type="checkbox"`, "Move to Compounding", "Move to On hold", `src="data:image/svg`}},
		{"/staff/followups", []string{"Claim next", "Overdue", "ann@example.com"}},
		{taskPath, []string{"ann@example.com", "Outcome", `name="satisfaction"`, "Snooze until", "Reassign to"}},
		{"/staff/outbox", []string{"logged", "ann@example.com"}},
		{"/staff/outbox?status=sent", []string{"No emails yet."}},
		{"/staff/quiz", []string{"Quiz drop-off", `id="drop-table"`}},
		{"/staff/team", []string{"ada@atelier.test", "Add a staff member"}},
	}
	for _, p := range pages {
		t.Run(p.path, func(t *testing.T) {
			r := ada.Get(p.path)
			wantStatus(t, r, http.StatusOK)
			for _, w := range p.want {
				if !strings.Contains(r.Body, w) {
					t.Errorf("page lacks %q", w)
				}
			}
		})
	}
	for _, bad := range []string{"/staff/production?status=lost", "/staff/outbox?status=lost", "/staff/followups?due_before=soon", "/staff/followups?state=lost"} {
		wantStatus(t, ada.Get(bad), http.StatusUnprocessableEntity)
	}
	for _, missing := range []string{"/staff/jobs/999", "/staff/jobs/abc", "/staff/followups/999", "/staff/followups/-1"} {
		wantStatus(t, ada.Get(missing), http.StatusNotFound)
	}
}

func TestTeamPage(t *testing.T) {
	s := apptest.New(t)
	addStaff(t, s, "ada@atelier.test", fulfillment.RoleAdmin)
	ada := signIn(t, s, "ada@atelier.test")

	r := ada.PostForm("/staff/team", url.Values{"email": {"New.Person@Atelier.test"}, "name": {"New Person"}, "role": {"care"}})
	wantStatus(t, r, http.StatusOK)
	m := regexp.MustCompile(`<code class="staff-code">([^<]+)</code>`).FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("no one-time password shown:\n%.600s", r.Body)
	}
	if strings.Contains(ada.Get("/staff/team").Body, m[1]) {
		t.Error("the one-time password is shown again")
	}
	newbie := s.Client()
	wantStatus(t, newbie.PostForm("/staff/login", url.Values{"email": {"new.person@atelier.test"}, "password": {m[1]}}), http.StatusSeeOther)
	wantStatus(t, newbie.Get("/staff/team"), http.StatusSeeOther) // to /staff/password first: the password is one-time
	wantStatus(t, newbie.PostForm("/staff/password", changeForm(m[1], newPassword, newPassword)), http.StatusSeeOther)
	wantStatus(t, newbie.Get("/staff/team"), http.StatusForbidden)

	bad := []struct {
		name  string
		form  url.Values
		field string
	}{
		{"duplicate email", url.Values{"email": {"NEW.person@atelier.test"}, "role": {"care"}}, "email-error"},
		{"bad email", url.Values{"email": {"not-an-email"}, "role": {"care"}}, "email-error"},
		{"no role", url.Values{"email": {"x@atelier.test"}}, "role-error"},
		{"long name", url.Values{"email": {"y@atelier.test"}, "role": {"care"}, "name": {strings.Repeat("n", 101)}}, "name-error"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			r := ada.PostForm("/staff/team", tc.form)
			wantStatus(t, r, http.StatusUnprocessableEntity)
			if !strings.Contains(r.Body, `id="`+tc.field+`"`) {
				t.Errorf("no %s next to the field", tc.field)
			}
		})
	}

	member, err := accounts(s).ByEmail(context.Background(), "new.person@atelier.test")
	if err != nil {
		t.Fatal(err)
	}
	id := itoa(member.ID)
	wantStatus(t, ada.PostForm("/staff/team/"+id+"/role", url.Values{"role": {"fulfillment"}}), http.StatusSeeOther)
	wantStatus(t, ada.PostForm("/staff/team/"+id+"/role", url.Values{"role": {"owner"}}), http.StatusUnprocessableEntity)
	wantStatus(t, newbie.Get("/staff/production"), http.StatusOK) // the new role applies at once
	r = ada.PostForm("/staff/team/"+id+"/password", nil)
	wantStatus(t, r, http.StatusOK)
	wantStatus(t, newbie.Get("/staff"), http.StatusSeeOther) // a reset ends their sessions
	wantStatus(t, ada.PostForm("/staff/team/"+id+"/disable", nil), http.StatusSeeOther)
	wantStatus(t, ada.PostForm("/staff/team/"+itoa(1)+"/disable", nil), http.StatusConflict) // not yourself
	wantStatus(t, ada.PostForm("/staff/team/999/role", url.Values{"role": {"care"}}), http.StatusNotFound)

	audit, err := accounts(s).Audit(context.Background(), member.ID)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range audit {
		actions = append(actions, e.Action+":"+e.From+"→"+e.To)
		switch {
		case e.Action == "staff.password_change":
			if e.ActorID == nil || *e.ActorID != member.ID {
				t.Errorf("%s not attributed to the member", e.Action)
			}
		case e.Action != "staff.add" && (e.ActorID == nil || *e.ActorID != 1):
			t.Errorf("%s not attributed to the admin", e.Action)
		}
	}
	if got := strings.Join(actions, " "); got != "staff.add:→care staff.password_change:→ staff.role:care→fulfillment staff.password:→ staff.disable:enabled→disabled" {
		t.Errorf("audit = %s", got)
	}
}
