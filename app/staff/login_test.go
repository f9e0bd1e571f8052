package staff_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"atelier/app/apptest"
	"atelier/app/staff"
	"atelier/fulfillment"
)

func TestLoginRefusesWithOneGenericMessage(t *testing.T) {
	s := apptest.New(t)
	addStaff(t, s, "fay@atelier.test", fulfillment.RoleFulfillment)
	cases := []struct{ name, email, password string }{
		{"wrong password", "fay@atelier.test", "not the password"},
		{"unknown email", "nobody@atelier.test", password},
		{"empty", "", ""},
		{"overlong password", "fay@atelier.test", strings.Repeat("x", staff.MaxPasswordLength+1)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := s.Client()
			r := c.PostForm("/staff/login", url.Values{"email": {tc.email}, "password": {tc.password}})
			wantStatus(t, r, http.StatusUnprocessableEntity)
			if !strings.Contains(r.Body, "Email or password is wrong.") {
				t.Errorf("no generic message:\n%.400s", r.Body)
			}
			wantStatus(t, c.Get("/staff"), http.StatusSeeOther)
		})
	}
	t.Run("right password, any case of email", func(t *testing.T) {
		c := s.Client()
		r := c.PostForm("/staff/login", url.Values{"email": {"FAY@atelier.test "}, "password": {password}, "next": {"/staff/outbox"}})
		wantStatus(t, r, http.StatusSeeOther)
		if r.Location() != "/staff/outbox" {
			t.Errorf("went to %q", r.Location())
		}
		r = c.Get("/staff")
		wantStatus(t, r, http.StatusOK)
		if !strings.Contains(r.Body, "Sign out") {
			t.Error("signed-in staff are not shown in the page")
		}
	})
}

func TestLoginSendsOnlyToLocalPaths(t *testing.T) {
	s := apptest.New(t)
	addStaff(t, s, "fay@atelier.test", fulfillment.RoleFulfillment)
	for next, want := range map[string]string{
		"/staff/jobs/3?x=1":        "/staff/jobs/3?x=1",
		"//evil.example/x":         "/staff",
		"https://evil.example/":    "/staff",
		"/\\evil.example":          "/staff",
		"javascript:alert(1)":      "/staff",
		"":                         "/staff",
		"/staff/followups?state=1": "/staff/followups?state=1",
	} {
		c := s.Client()
		r := c.PostForm("/staff/login", url.Values{"email": {"fay@atelier.test"}, "password": {password}, "next": {next}})
		wantStatus(t, r, http.StatusSeeOther)
		if got := r.Header.Get("Location"); got != want {
			t.Errorf("next %q → %q, want %q", next, got, want)
		}
	}
}

func TestLockoutAfterFiveFailures(t *testing.T) {
	s := apptest.New(t)
	addStaff(t, s, "fay@atelier.test", fulfillment.RoleFulfillment)
	c := s.Client()
	for i := 0; i < staff.MaxFailedAttempts; i++ {
		wantStatus(t, c.PostForm("/staff/login", url.Values{"email": {"fay@atelier.test"}, "password": {"wrong wrong wrong"}}), http.StatusUnprocessableEntity)
	}
	r := c.PostForm("/staff/login", url.Values{"email": {"fay@atelier.test"}, "password": {password}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if !strings.Contains(r.Body, "Email or password is wrong.") || strings.Contains(strings.ToLower(r.Body), "locked until") {
		t.Errorf("a locked account must look like any refusal:\n%.400s", r.Body)
	}
	if _, err := accounts(s).Authenticate(context.Background(), "fay@atelier.test", password); err != staff.ErrLocked {
		t.Errorf("Authenticate while locked = %v, want ErrLocked", err)
	}
	s.Clock.Advance(staff.LockoutFor + time.Second)
	wantStatus(t, c.PostForm("/staff/login", url.Values{"email": {"fay@atelier.test"}, "password": {password}}), http.StatusSeeOther)
	wantStatus(t, c.Get("/staff"), http.StatusOK)
}

func TestLoginIsRateLimitedPerAddress(t *testing.T) {
	s := apptest.New(t)
	c := s.Client()
	for i := 0; i < staff.LoginBurst; i++ {
		wantStatus(t, c.PostForm("/staff/login", url.Values{"email": {"x@atelier.test"}, "password": {"guess"}}), http.StatusUnprocessableEntity)
	}
	r := c.PostForm("/staff/login", url.Values{"email": {"x@atelier.test"}, "password": {"guess"}})
	wantStatus(t, r, http.StatusTooManyRequests)
	if !strings.Contains(r.Body, "Too many sign-in attempts") {
		t.Errorf("429 page without its message:\n%.400s", r.Body)
	}
	s.Clock.Advance(staff.LoginEvery)
	wantStatus(t, c.PostForm("/staff/login", url.Values{"email": {"x@atelier.test"}, "password": {"guess"}}), http.StatusUnprocessableEntity)
}

func TestSessionsEnd(t *testing.T) {
	s := apptest.New(t)
	ctx := context.Background()
	cases := []struct {
		name string
		end  func(t *testing.T, c *apptest.Client, m *staff.Member)
	}{
		{"logout", func(t *testing.T, c *apptest.Client, _ *staff.Member) {
			wantStatus(t, c.PostForm("/staff/logout", nil), http.StatusSeeOther)
		}},
		{"account disabled", func(t *testing.T, _ *apptest.Client, m *staff.Member) {
			if err := accounts(s).Disable(ctx, fulfillment.System, m.ID); err != nil {
				t.Fatal(err)
			}
		}},
		{"password changed", func(t *testing.T, _ *apptest.Client, m *staff.Member) {
			if err := accounts(s).SetPassword(ctx, fulfillment.System, m.ID, "a brand new password"); err != nil {
				t.Fatal(err)
			}
		}},
		{"sign out everywhere", func(t *testing.T, _ *apptest.Client, m *staff.Member) {
			if err := accounts(s).SignOutEverywhere(ctx, fulfillment.System, m.ID); err != nil {
				t.Fatal(err)
			}
		}},
		{"12 hours passed", func(t *testing.T, _ *apptest.Client, _ *staff.Member) {
			s.Clock.Advance(staff.SessionLifetime)
		}},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			email := "care" + itoa(uint(i)) + "@atelier.test"
			m := addStaff(t, s, email, fulfillment.RoleCare)
			c := signIn(t, s, email)
			wantStatus(t, c.Get("/staff"), http.StatusOK)
			wantStatus(t, c.JSON("GET", "/api/v1/staff/followups", nil), http.StatusOK)
			tc.end(t, c, m)
			r := c.Get("/staff/followups")
			wantStatus(t, r, http.StatusSeeOther)
			if r.Location() != "/staff/login?next=%2Fstaff%2Ffollowups" {
				t.Errorf("redirect to %q", r.Location())
			}
			wantStatus(t, c.JSON("GET", "/api/v1/staff/followups", nil), http.StatusUnauthorized)
		})
	}
}

func TestFormsNeedTheCSRFToken(t *testing.T) {
	s := apptest.New(t)
	addStaff(t, s, "fay@atelier.test", fulfillment.RoleFulfillment)
	c := signIn(t, s, "fay@atelier.test")
	for _, path := range []string{"/staff/login", "/staff/logout", "/staff/password", "/staff/production/claim", "/staff/jobs/1/transition", "/staff/team"} {
		req, _ := http.NewRequest("POST", s.URL+path, strings.NewReader("email=fay%40atelier.test&password="+url.QueryEscape(password)))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		wantStatus(t, c.Do(req), http.StatusForbidden)
	}
	wantStatus(t, c.Get("/staff"), http.StatusOK) // still signed in: the logout without a token did nothing
}

// TestLogoutRevokesTheCookie: a copy of the session cookie (a shared computer, a proxy log,
// malware) stops working when its owner signs out, in the console and on the API.
func TestLogoutRevokesTheCookie(t *testing.T) {
	s := apptest.New(t)
	m := addStaff(t, s, "cal@atelier.test", fulfillment.RoleCare)
	c := signIn(t, s, "cal@atelier.test")
	u, _ := url.Parse(s.URL)
	thief := s.Client()
	thief.HTTP.Jar.SetCookies(u, c.HTTP.Jar.Cookies(u))
	wantStatus(t, thief.Get("/staff/followups"), http.StatusOK)

	wantStatus(t, c.PostForm("/staff/logout", nil), http.StatusSeeOther)
	r := thief.Get("/staff/followups")
	wantStatus(t, r, http.StatusSeeOther)
	if r.Location() != "/staff/login?next=%2Fstaff%2Ffollowups" {
		t.Errorf("redirect to %q", r.Location())
	}
	wantStatus(t, thief.JSON("GET", "/api/v1/staff/followups", nil), http.StatusUnauthorized)
	audit, err := accounts(s).Audit(context.Background(), m.ID)
	if err != nil || len(audit) == 0 || audit[len(audit)-1].Action != "staff.sign_out" {
		t.Errorf("sign-out not audited: %v %+v", err, audit)
	}
	// Signing in again works, and a logout without a session changes nothing.
	c = signIn(t, s, "cal@atelier.test")
	wantStatus(t, c.Get("/staff"), http.StatusOK)
	wantStatus(t, s.Client().PostForm("/staff/logout", nil), http.StatusSeeOther)
	wantStatus(t, c.Get("/staff"), http.StatusOK)
}
