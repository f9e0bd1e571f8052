package staff_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"atelier/app/apptest"
	"atelier/app/staff"
	"atelier/fulfillment"
)

const newPassword = "my very own password"

// changeForm is the change-password form as a browser posts it.
func changeForm(current, next, confirm string) url.Values {
	return url.Values{"current_password": {current}, "new_password": {next}, "confirm_password": {confirm}}
}

// TestPasswordChange: a member changes their own password from the console; a wrong current
// password, a confirmation that differs and a short password are refused next to their
// fields; the change ends the member's other sessions and keeps this one; it is audited
// without the password.
func TestPasswordChange(t *testing.T) {
	s := apptest.New(t)
	ctx := context.Background()
	m := addStaff(t, s, "cal@atelier.test", fulfillment.RoleCare)
	cal, other := signIn(t, s, "cal@atelier.test"), signIn(t, s, "cal@atelier.test")

	r := cal.Get("/staff/password")
	wantStatus(t, r, http.StatusOK)
	for _, want := range []string{`<a class="small" href="/staff/password" aria-current="page">Change password</a>`,
		`<label for="current_password">Current password</label>`, `autocomplete="current-password"`,
		`<label for="new_password">New password</label>`, `<label for="confirm_password">New password again</label>`,
		`name="confirm_password" autocomplete="new-password"`, `autocomplete="username"`} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("the form lacks %s", want)
		}
	}
	if apptest.FormToken(r.Body) == "" {
		t.Error("the form carries no CSRF token")
	}
	if !strings.Contains(cal.Get("/staff").Body, `href="/staff/password"`) {
		t.Error("the console's navigation does not link to /staff/password")
	}

	bad := []struct {
		name  string
		form  url.Values
		field string
	}{
		{"wrong current password", changeForm("not my password", newPassword, newPassword), "current_password"},
		{"no current password", changeForm("", newPassword, newPassword), "current_password"},
		{"confirmation differs", changeForm(password, newPassword, newPassword+"!"), "confirm_password"},
		{"too short", changeForm(password, "short", "short"), "new_password"},
		{"same as the current one", changeForm(password, password, password), "new_password"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			r := cal.PostForm("/staff/password", tc.form)
			wantStatus(t, r, http.StatusUnprocessableEntity)
			described := regexp.MustCompile(`id="` + tc.field + `"[^>]*aria-describedby="[^"]*\b` + tc.field + `-error"`)
			if !strings.Contains(r.Body, `id="`+tc.field+`-error"`) || !described.MatchString(r.Body) {
				t.Errorf("no message next to %s:\n%.800s", tc.field, r.Body)
			}
		})
	}
	if got, _ := accounts(s).ByID(ctx, m.ID); got.FailedAttempts != 1 || got.PasswordHash != m.PasswordHash || got.Epoch != m.Epoch {
		t.Errorf("after the refusals: %d failed attempts (want the one wrong password), hash or epoch changed", got.FailedAttempts)
	}

	r = cal.PostForm("/staff/password", changeForm(password, newPassword, newPassword))
	wantStatus(t, r, http.StatusSeeOther)
	if r.Location() != "/staff/password?changed=1" {
		t.Errorf("went to %q", r.Location())
	}
	if r = cal.Get(r.Location()); !strings.Contains(r.Body, "Your password is changed.") {
		t.Errorf("no confirmation:\n%.600s", r.Body)
	}
	// this session goes on, on the pages and the API; the other one has ended
	wantStatus(t, cal.Get("/staff/followups"), http.StatusOK)
	wantStatus(t, cal.JSON("GET", "/api/v1/staff/followups", nil), http.StatusOK)
	r = other.Get("/staff/followups")
	wantStatus(t, r, http.StatusSeeOther)
	if r.Location() != "/staff/login?next=%2Fstaff%2Ffollowups" {
		t.Errorf("the other session went to %q", r.Location())
	}
	wantStatus(t, other.JSON("GET", "/api/v1/staff/followups", nil), http.StatusUnauthorized)

	after, err := accounts(s).ByID(ctx, m.ID)
	if err != nil || after.PasswordHash == m.PasswordHash || after.Epoch != m.Epoch+1 || after.FailedAttempts != 0 {
		t.Fatalf("after the change: %+v, %v", after, err)
	}
	if _, err := accounts(s).Authenticate(ctx, "cal@atelier.test", password); !errors.Is(err, staff.ErrBadCredentials) {
		t.Errorf("the old password still signs in: %v", err)
	}
	if _, err := accounts(s).Authenticate(ctx, "cal@atelier.test", newPassword); err != nil {
		t.Errorf("the new password does not sign in: %v", err)
	}
	audit, err := accounts(s).Audit(ctx, m.ID)
	if err != nil || len(audit) == 0 {
		t.Fatalf("audit: %+v, %v", audit, err)
	}
	last := audit[len(audit)-1]
	if last.Action != "staff.password_change" || last.ActorID == nil || *last.ActorID != m.ID {
		t.Errorf("the change is audited as %+v", last)
	}
	for _, e := range audit {
		if text := e.From + e.To + e.Note; strings.Contains(text, password) || strings.Contains(text, newPassword) {
			t.Errorf("a password in the audit: %+v", e)
		}
	}
}

// TestPasswordChangeGuessing: wrong current passwords count toward the account's lockout like
// wrong sign-ins, and attempts share the sign-in's rate per address.
func TestPasswordChangeGuessing(t *testing.T) {
	s := apptest.New(t)
	addStaff(t, s, "cal@atelier.test", fulfillment.RoleCare)
	cal := signIn(t, s, "cal@atelier.test") // the first attempt from this address
	for range staff.MaxFailedAttempts {
		wantStatus(t, cal.PostForm("/staff/password", changeForm("a wrong guess", newPassword, newPassword)), http.StatusUnprocessableEntity)
	}
	r := cal.PostForm("/staff/password", changeForm(password, newPassword, newPassword))
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if !strings.Contains(r.Body, "locked for 15 minutes") {
		t.Errorf("no word of the lockout:\n%.600s", r.Body)
	}
	wantStatus(t, s.Client().PostForm("/staff/login", url.Values{"email": {"cal@atelier.test"}, "password": {password}}), http.StatusUnprocessableEntity)
	for range staff.LoginBurst - staff.MaxFailedAttempts - 3 { // the bucket's last tokens
		wantStatus(t, cal.PostForm("/staff/password", changeForm(password, newPassword, "")), http.StatusUnprocessableEntity)
	}
	r = cal.PostForm("/staff/password", changeForm(password, newPassword, newPassword))
	wantStatus(t, r, http.StatusTooManyRequests)
	if !strings.Contains(r.Body, "Too many password attempts") {
		t.Errorf("429 without its message:\n%.400s", r.Body)
	}
}

// TestOneTimePasswordMustBeChanged: a generated password and an admin's reset are one-time:
// until the member changes it every console page sends them to /staff/password and the API
// refuses their session (not their token); changing it clears the mark.
func TestOneTimePasswordMustBeChanged(t *testing.T) {
	s := apptest.New(t)
	ctx := context.Background()
	addStaff(t, s, "ada@atelier.test", fulfillment.RoleAdmin)
	m, oneTime, err := accounts(s).Add(ctx, fulfillment.System, staff.NewMember{Email: "fay@atelier.test", Role: fulfillment.RoleFulfillment})
	if err != nil || !m.MustChangePassword {
		t.Fatalf("add with a generated password: %+v, %v", m, err)
	}
	token, err := accounts(s).IssueToken(ctx, fulfillment.System, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	fay := s.Client()
	r := fay.PostForm("/staff/login", url.Values{"email": {"fay@atelier.test"}, "password": {oneTime}})
	wantStatus(t, r, http.StatusSeeOther)

	type route = struct {
		method, path string
		api          bool
	}
	pages := append([]route{{"GET", "/staff/dashboard", false}, {"GET", "/staff/customers", false}}, staffRoutes...)
	for _, rt := range pages {
		if rt.path == "/staff/password" {
			continue // the one page open to them
		}
		t.Run(rt.method+" "+rt.path, func(t *testing.T) {
			switch {
			case rt.api:
				r := fay.JSON(rt.method, rt.path, nil)
				wantStatus(t, r, http.StatusForbidden)
				var body struct{ Error string }
				r.JSON(t, &body)
				if !strings.Contains(body.Error, "change it at /staff/password") {
					t.Errorf("403 says %q", body.Error)
				}
			case rt.method == "GET":
				r := fay.Get(rt.path)
				wantStatus(t, r, http.StatusSeeOther)
				if want := "/staff/password?next=" + url.QueryEscape(rt.path); r.Location() != want {
					t.Errorf("redirect to %q, want %q", r.Location(), want)
				}
			default:
				r := fay.PostForm(rt.path, url.Values{})
				wantStatus(t, r, http.StatusSeeOther)
				if r.Location() != "/staff/password" {
					t.Errorf("redirect to %q", r.Location())
				}
			}
		})
	}
	wantStatus(t, bearer(t, s, token, "GET", "/api/v1/staff/production", ""), http.StatusOK) // a token is its own credential
	r = fay.Get("/staff/password?next=%2Fstaff%2Fproduction")
	wantStatus(t, r, http.StatusOK)
	if !strings.Contains(r.Body, "You signed in with a one-time password.") || !strings.Contains(r.Body, `name="next" value="/staff/production"`) {
		t.Errorf("the form does not say why it is here:\n%.800s", r.Body)
	}

	r = fay.PostForm("/staff/password", url.Values{"current_password": {oneTime}, "new_password": {newPassword},
		"confirm_password": {newPassword}, "next": {"/staff/production"}})
	wantStatus(t, r, http.StatusSeeOther)
	if r.Location() != "/staff/production" {
		t.Errorf("after the change went to %q", r.Location())
	}
	wantStatus(t, fay.Get("/staff/production"), http.StatusOK)
	wantStatus(t, fay.JSON("GET", "/api/v1/staff/production", nil), http.StatusOK)
	if got, _ := accounts(s).ByID(ctx, m.ID); got.MustChangePassword {
		t.Error("the one-time mark survived the change")
	}
	if r = fay.Get("/staff/password"); strings.Contains(r.Body, "one-time password") {
		t.Error("the form still asks for a change")
	}

	// an admin's reset is one-time again; signing out still works meanwhile
	ada := signIn(t, s, "ada@atelier.test")
	r = ada.PostForm("/staff/team/"+itoa(m.ID)+"/password", nil)
	wantStatus(t, r, http.StatusOK)
	if got, _ := accounts(s).ByID(ctx, m.ID); !got.MustChangePassword {
		t.Error("a reset password is not one-time")
	}
	oneTime = r.Body[strings.Index(r.Body, `<code class="staff-code">`)+len(`<code class="staff-code">`):]
	oneTime = oneTime[:strings.Index(oneTime, "<")]
	wantStatus(t, fay.PostForm("/staff/login", url.Values{"email": {"fay@atelier.test"}, "password": {oneTime}}), http.StatusSeeOther)
	wantStatus(t, fay.Get("/staff"), http.StatusSeeOther)
	wantStatus(t, fay.PostForm("/staff/logout", nil), http.StatusSeeOther)
	if r = fay.Get("/staff"); r.Location() != "/staff/login?next=%2Fstaff" {
		t.Errorf("after signing out /staff went to %q", r.Location())
	}

	// a password chosen for the member (not generated) is not one-time
	if err := accounts(s).SetPassword(ctx, fulfillment.System, m.ID, newPassword); err != nil {
		t.Fatal(err)
	}
	if got, _ := accounts(s).ByID(ctx, m.ID); got.MustChangePassword {
		t.Error("SetPassword marked the password one-time")
	}
}
