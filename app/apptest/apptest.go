// Package apptest runs the whole store in tests: a real app.Server over a real, migrated
// database (a SQLite file, or PostgreSQL when asked and configured), a movable clock, and a
// browser-like client that keeps cookies and sends the CSRF token with forms.
package apptest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"atelier/app"
	"atelier/app/account"
	"atelier/app/database/databasetest"
	"atelier/app/passhash"
	"atelier/app/staff"
	"atelier/app/web"
	"atelier/catalog"
	"atelier/fulfillment"
	"atelier/questionnaire"
)

// Clock is a settable clock, safe for concurrent use. Tests move it instead of sleeping.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Store is a running store under test.
type Store struct {
	T      testing.TB
	Server *app.Server
	Deps   app.Deps
	DB     *gorm.DB
	Clock  *Clock
	// URL is the address of a live httptest server in front of Server.
	URL string
}

// Option changes the dependencies before the server is built.
type Option func(*app.Deps)

// New starts a store on a fresh SQLite file.
func New(t testing.TB, opts ...Option) *Store {
	t.Helper()
	return start(t, databasetest.SQLite(t), opts)
}

// NewPostgres starts a store on a fresh PostgreSQL schema, or skips without the test DSN.
func NewPostgres(t testing.TB, opts ...Option) *Store {
	t.Helper()
	return start(t, databasetest.Postgres(t), opts)
}

// Secret is the session secret test stores use.
const Secret = "apptest-secret-apptest-secret-0123456789"

// Passwords returns the argon2id cost test stores hash new passwords with (t=1, m=64 KiB):
// about 0.1 ms a hash instead of about 30 ms. Production leaves app.Deps.Passwords zero
// (t=2, m=19 MiB); every hash records its cost, so verification is the same code either
// way. Tests that build account or staff stores themselves pass s.Deps.Passwords (or this,
// without a Store).
func Passwords() passhash.Params { return passhash.Params{Time: 1, MemoryKiB: 64, Threads: 1} }

func start(t testing.TB, db *gorm.DB, opts []Option) *Store {
	t.Helper()
	ctx := context.Background()
	if _, err := app.Migrate(ctx, db); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	clock := NewClock(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	sessions, err := web.NewSessionStore([][]byte{[]byte(Secret)}, false)
	if err != nil {
		t.Fatal(err)
	}
	reg, err := catalog.NewDefaultRegistry(nil)
	if err != nil {
		t.Fatal(err)
	}
	quiz := questionnaire.NewStore(db, clock.Now)
	if err := quiz.Register(ctx, questionnaire.Default()); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(nil)
	base := "http://" + ts.Listener.Addr().String()
	d := app.Deps{
		Config: app.Config{BaseURL: base},
		DB:     db, Sessions: sessions, Now: clock.Now, Demo: true, Passwords: Passwords(),
		Quiz: quiz, QuizCurrent: questionnaire.Default(), Catalog: reg,
		Fulfillment: fulfillment.NewServiceWithOptions(db, fulfillment.Options{Now: clock.Now, BaseURL: base}),
	}
	for _, o := range opts {
		o(&d)
	}
	srv, err := app.NewServer(d)
	if err != nil {
		t.Fatalf("NewServer: %v", err)
	}
	ts.Config.Handler = srv.Handler()
	ts.Start()
	t.Cleanup(ts.Close)
	return &Store{T: t, Server: srv, Deps: d, DB: db, Clock: clock, URL: base}
}

// Customer creates a customer account whose email address is confirmed, as if the
// confirmation link of its sign-up had been followed, and returns it. An empty password
// makes an account that signs in by link only.
func (s *Store) Customer(email, name, password string) *account.Customer {
	s.T.Helper()
	ctx := context.Background()
	st := account.NewStoreWithOptions(s.DB, account.StoreOptions{Now: s.Clock.Now, Passwords: s.Deps.Passwords})
	c, err := st.Create(ctx, account.NewCustomer{Email: email, Name: name, Password: password})
	if err != nil {
		s.T.Fatalf("create customer %s: %v", email, err)
	}
	tok, err := st.IssueToken(ctx, c.ID, account.PurposeVerify)
	if err != nil {
		s.T.Fatal(err)
	}
	if c, err = st.ConsumeToken(ctx, tok, account.PurposeVerify); err != nil {
		s.T.Fatalf("confirm customer %s: %v", email, err)
	}
	return c
}

// StaffPassword is the password of the staff members Admin creates.
const StaffPassword = "correct horse battery"

// Admin creates an admin staff member with email (password StaffPassword) and returns a
// client signed in to the staff console as them.
func (s *Store) Admin(email string) *Client {
	s.T.Helper()
	acc := staff.NewAccountsWithOptions(s.DB, staff.AccountsOptions{Now: s.Clock.Now, Passwords: s.Deps.Passwords})
	if _, _, err := acc.Add(context.Background(), fulfillment.System, staff.NewMember{Email: email, Name: "Admin", Role: fulfillment.RoleAdmin, Password: StaffPassword}); err != nil {
		s.T.Fatal(err)
	}
	c := s.Client()
	if r := c.PostForm("/staff/login", url.Values{"email": {email}, "password": {StaffPassword}}); r.StatusCode != http.StatusSeeOther {
		s.T.Fatalf("staff sign-in %s: %d", email, r.StatusCode)
	}
	return c
}

// Client is a browser-like client: it keeps cookies, does not follow redirects (tests see
// them), and sends the CSRF token with forms as a page's hidden field would.
type Client struct {
	s    *Store
	HTTP *http.Client
}

// Client returns a new visitor with an empty cookie jar.
func (s *Store) Client() *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{s: s, HTTP: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// Response is a finished response with its body read.
type Response struct {
	*http.Response
	Body string
}

// Location is the redirect target's path and query.
func (r *Response) Location() string {
	u, err := url.Parse(r.Header.Get("Location"))
	if err != nil {
		return ""
	}
	return u.RequestURI()
}

// JSON decodes the body into v, failing the test on error.
func (r *Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.Body), v); err != nil {
		t.Fatalf("decode JSON (%d): %v\n%s", r.StatusCode, err, r.Body)
	}
}

// Do sends req and reads the whole response.
func (c *Client) Do(req *http.Request) *Response {
	c.s.T.Helper()
	resp, err := c.HTTP.Do(req)
	if err != nil {
		c.s.T.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return &Response{Response: resp, Body: string(b)}
}

// Get fetches a path.
func (c *Client) Get(path string) *Response {
	c.s.T.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.s.URL+path, nil)
	return c.Do(req)
}

// PostForm posts a form with the visitor's CSRF token added as _csrf (fetch a page first so
// the visitor has one; PostForm does so itself when needed).
func (c *Client) PostForm(path string, form url.Values) *Response {
	c.s.T.Helper()
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	if f.Get("_csrf") == "" {
		f.Set("_csrf", c.CSRF())
	}
	req, _ := http.NewRequest(http.MethodPost, c.s.URL+path, strings.NewReader(f.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.Do(req)
}

// CSRF returns the visitor's CSRF token, fetching the home page first if it has none.
func (c *Client) CSRF() string {
	u, _ := url.Parse(c.s.URL)
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		if ck.Name == "atelier_csrf" {
			return ck.Value
		}
	}
	c.Get("/")
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		if ck.Name == "atelier_csrf" {
			return ck.Value
		}
	}
	c.s.T.Fatal("no CSRF cookie after visiting the home page")
	return ""
}

// JSON sends a JSON request (body marshalled unless it is nil, a string or []byte).
func (c *Client) JSON(method, path string, body any) *Response {
	c.s.T.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			c.s.T.Fatal(err)
		}
		r = bytes.NewReader(buf)
	}
	req, _ := http.NewRequest(method, c.s.URL+path, r)
	if r != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	return c.Do(req)
}

var hiddenCSRF = regexp.MustCompile(`name="_csrf" value="([^"]*)"`)

// FormToken returns the CSRF token a page's form carries, "" when it has none.
func FormToken(page string) string {
	if m := hiddenCSRF.FindStringSubmatch(page); m != nil {
		return m[1]
	}
	return ""
}

// accountLinkRE matches the sign-in, confirmation and reset links of account emails.
var accountLinkRE = regexp.MustCompile(`/account/(?:signin/link|reset)/[A-Za-z0-9_-]+`)

// AccountLink is the path of the newest link (sign-in, confirmation or reset) in an account
// email to addr still waiting in the outbox, or "" when there is none.
func (s *Store) AccountLink(addr string) string {
	s.T.Helper()
	msgs, err := s.Deps.Fulfillment.ListOutbox(context.Background(), fulfillment.OutboxPending, 100)
	if err != nil {
		s.T.Fatal(err)
	}
	link, newest := "", uint(0)
	for _, m := range msgs {
		if m.To == addr && strings.HasPrefix(m.Kind, "account_") && m.ID > newest {
			if found := accountLinkRE.FindString(m.Body); found != "" {
				link, newest = found, m.ID
			}
		}
	}
	return link
}
