package app

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"atelier/app/database/databasetest"
	"atelier/app/web"
	"atelier/catalog"
	"atelier/fulfillment"
	"atelier/questionnaire"
)

// newTestServer builds a server on a fresh, migrated SQLite file.
func newTestServer(t *testing.T, mutate ...func(*Deps)) *Server {
	t.Helper()
	db := databasetest.SQLite(t)
	if _, err := Migrate(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	store, err := web.NewSessionStore([][]byte{[]byte("test-secret-test-secret-test-secret-0123")}, false)
	if err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC) }
	reg, err := catalog.NewDefaultRegistry(nil)
	if err != nil {
		t.Fatal(err)
	}
	quiz := questionnaire.NewStore(db, now)
	if err := quiz.Register(context.Background(), questionnaire.Default()); err != nil {
		t.Fatal(err)
	}
	d := Deps{Config: Config{BaseURL: "http://example.test", BodyLimit: "2K"}, DB: db, Sessions: store, Demo: true, Now: now,
		Quiz: quiz, QuizCurrent: questionnaire.Default(), Catalog: reg, Fulfillment: fulfillment.NewService(db, now, nil)}
	for _, m := range mutate {
		m(&d)
	}
	s, err := NewServer(d)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func do(t *testing.T, h http.Handler, req *http.Request) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestHomeAndHealth(t *testing.T) {
	s := newTestServer(t)
	rec := do(t, s.Handler(), httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Start your consultation") {
		t.Fatalf("home: %d %q", rec.Code, rec.Body.String()[:min(200, rec.Body.Len())])
	}
	if !strings.Contains(rec.Body.String(), "Demo store") {
		t.Error("home page in demo mode lacks the demo banner")
	}
	rec = do(t, s.Handler(), httptest.NewRequest(http.MethodGet, "/healthz", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("healthz = %d", rec.Code)
	}
	rec = do(t, s.Handler(), httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "atelier_http_requests_total") ||
		!strings.Contains(rec.Body.String(), "go_goroutines") {
		t.Fatalf("metrics = %d, missing request or runtime metrics", rec.Code)
	}
}

func TestSecurityHeaders(t *testing.T) {
	s := newTestServer(t)
	for _, path := range []string{"/", "/no-such-page", "/healthz"} {
		rec := do(t, s.Handler(), httptest.NewRequest(http.MethodGet, path, nil))
		h := rec.Header()
		for name, want := range map[string]string{
			"X-Content-Type-Options": "nosniff",
			"X-Frame-Options":        "DENY",
			"Referrer-Policy":        "strict-origin-when-cross-origin",
		} {
			if got := h.Get(name); got != want {
				t.Errorf("%s: %s = %q, want %q", path, name, got, want)
			}
		}
		if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: CSP = %q", path, csp)
		}
		if h.Get(echo.HeaderXRequestID) == "" {
			t.Errorf("%s: no request id", path)
		}
	}
}

func TestNotFoundPage(t *testing.T) {
	s := newTestServer(t)
	rec := do(t, s.Handler(), httptest.NewRequest(http.MethodGet, "/no-such-page", nil))
	if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "This page does not exist") {
		t.Fatalf("404 page: %d %s", rec.Code, rec.Body.String())
	}
	req := httptest.NewRequest(http.MethodGet, "/api/v1/nothing", nil)
	rec = do(t, s.Handler(), req)
	if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), `"error"`) {
		t.Fatalf("API 404: %d %s", rec.Code, rec.Body.String())
	}
}

func TestPanicAnswers500WithoutLeaking(t *testing.T) {
	s := newTestServer(t)
	s.echo.GET("/test/panic", func(echo.Context) error { panic("secret internal detail") })
	rec := do(t, s.Handler(), httptest.NewRequest(http.MethodGet, "/test/panic", nil))
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("panic: status %d", rec.Code)
	}
	if strings.Contains(rec.Body.String(), "secret internal detail") {
		t.Fatal("panic message leaked to the client")
	}
}

// formClient is a browser-like client with a cookie jar against a live test server.
func formClient(t *testing.T, s *Server) (*http.Client, string) {
	t.Helper()
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}, ts.URL
}

func TestCSRF(t *testing.T) {
	s := newTestServer(t)
	s.echo.GET("/test/form", func(c echo.Context) error { return c.String(200, c.Get(web.CSRFContextKey).(string)) })
	s.echo.POST("/test/form", func(c echo.Context) error { return c.String(200, "accepted") })
	client, base := formClient(t, s)

	// without a token: 403 with a message a person can act on
	resp, err := client.PostForm(base+"/test/form", url.Values{"name": {"x"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(body), "reload the page") {
		t.Fatalf("no token: %d %s", resp.StatusCode, body)
	}

	// a wrong token: 403 too
	resp, _ = client.Get(base + "/test/form")
	tok, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp, _ = client.PostForm(base+"/test/form", url.Values{"_csrf": {"forged-token"}})
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("forged token: %d", resp.StatusCode)
	}

	// the page's token: accepted
	resp, _ = client.PostForm(base+"/test/form", url.Values{"_csrf": {string(tok)}})
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != "accepted" {
		t.Fatalf("valid token: %d %s", resp.StatusCode, body)
	}

	// a browser marking the post cross-site: refused even with the token
	req, _ := http.NewRequest(http.MethodPost, base+"/test/form", strings.NewReader("_csrf="+string(tok)))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, _ = client.Do(req)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site post: %d", resp.StatusCode)
	}
}

func TestSessionTamperingGivesFreshSession(t *testing.T) {
	s := newTestServer(t)
	s.echo.GET("/test/who", func(c echo.Context) error { return c.String(200, web.SessionOf(c).OwnerKey()) })
	client, base := formClient(t, s)
	get := func() (string, int) {
		resp, err := client.Get(base + "/test/who")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b), resp.StatusCode
	}
	first, _ := get()
	if again, _ := get(); again != first || first == "" {
		t.Fatalf("session not kept: %q then %q", first, again)
	}
	u, _ := url.Parse(base)
	for _, c := range client.Jar.Cookies(u) {
		if c.Name == web.SessionName {
			c.Value = c.Value[:len(c.Value)-4] + "AAAA"
			client.Jar.SetCookies(u, []*http.Cookie{c})
		}
	}
	fresh, code := get()
	if code != http.StatusOK || fresh == first || fresh == "" {
		t.Fatalf("tampered cookie: status %d, owner %q (was %q); want 200 and a new owner", code, fresh, first)
	}
}

func TestSessionCookieFlags(t *testing.T) {
	store, err := web.NewSessionStore([][]byte{[]byte("0123456789abcdef0123456789abcdef")}, true)
	if err != nil {
		t.Fatal(err)
	}
	if !store.Options.HttpOnly || !store.Options.Secure || store.Options.SameSite != http.SameSiteLaxMode {
		t.Fatalf("cookie options = %+v", store.Options)
	}
	if _, err := web.NewSessionStore([][]byte{[]byte("short")}, false); err == nil {
		t.Fatal("a short secret was accepted")
	}
}

func TestBodyLimit(t *testing.T) {
	s := newTestServer(t)
	s.echo.POST("/api/v1/test/echo", func(c echo.Context) error {
		var v map[string]any
		if err := web.BindJSON(c, &v); err != nil {
			return err
		}
		return c.JSON(200, v)
	})
	s.echo.POST("/test/form", func(c echo.Context) error { return c.String(200, c.FormValue("note")) })
	big := `{"x":"` + strings.Repeat("a", 4096) + `"}`
	bigForm := "_csrf=stale&note=" + strings.Repeat("a", 4096)
	tests := []struct {
		name, path, ctype, body string
		chunked                 bool // no Content-Length: the limit is found while reading
		want                    string
	}{
		{name: "json", path: "/api/v1/test/echo", ctype: "application/json", body: big, want: "too large"},
		{name: "json chunked", path: "/api/v1/test/echo", ctype: "application/json", body: big, chunked: true, want: "too large"},
		{name: "form", path: "/test/form", ctype: "application/x-www-form-urlencoded", body: bigForm, want: "too large"},
		{name: "form chunked", path: "/test/form", ctype: "application/x-www-form-urlencoded", body: bigForm, chunked: true, want: "too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, tt.path, strings.NewReader(tt.body))
			req.Header.Set("Content-Type", tt.ctype)
			if tt.chunked {
				req.ContentLength, req.TransferEncoding = -1, []string{"chunked"}
			}
			rec := do(t, s.Handler(), req)
			if rec.Code != http.StatusRequestEntityTooLarge || !strings.Contains(rec.Body.String(), tt.want) ||
				strings.Contains(rec.Body.String(), "code=") {
				t.Fatalf("oversized body: %d %s", rec.Code, rec.Body.String())
			}
		})
	}
}

func TestAPIGuard(t *testing.T) {
	s := newTestServer(t)
	s.echo.POST("/api/v1/test/echo", func(c echo.Context) error {
		var v map[string]any
		if err := web.BindJSON(c, &v); err != nil {
			return err
		}
		return c.JSON(200, v)
	})
	tests := []struct {
		name, ctype, body string
		headers           map[string]string
		want              int
	}{
		{name: "json", ctype: "application/json", body: `{"a":1}`, want: 200},
		{name: "json with charset", ctype: "application/json; charset=utf-8", body: `{"a":1}`, want: 200},
		{name: "form body", ctype: "application/x-www-form-urlencoded", body: "a=1", want: 415},
		{name: "text/plain", ctype: "text/plain", body: `{"a":1}`, want: 415},
		{name: "malformed", ctype: "application/json", body: `{"a":`, want: 400},
		{name: "cross-site", ctype: "application/json", body: `{}`, headers: map[string]string{"Sec-Fetch-Site": "cross-site"}, want: 403},
		{name: "foreign origin", ctype: "application/json", body: `{}`, headers: map[string]string{"Origin": "https://evil.example"}, want: 403},
		{name: "own origin", ctype: "application/json", body: `{}`, headers: map[string]string{"Origin": "http://example.test"}, want: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/api/v1/test/echo", strings.NewReader(tt.body))
			req.Header.Set("Content-Type", tt.ctype)
			for k, v := range tt.headers {
				req.Header.Set(k, v)
			}
			rec := do(t, s.Handler(), req)
			if rec.Code != tt.want {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.want, rec.Body.String())
			}
			if rec.Code >= 400 && !strings.Contains(rec.Body.String(), `"error"`) {
				t.Fatalf("error body is not JSON {error}: %s", rec.Body.String())
			}
		})
	}
}

func TestGracefulShutdownFinishesInFlightRequest(t *testing.T) {
	s := newTestServer(t)
	entered, release := make(chan struct{}), make(chan struct{})
	s.echo.GET("/test/slow", func(c echo.Context) error {
		close(entered)
		<-release
		return c.String(200, "finished")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, ln) }()

	got := make(chan string, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/test/slow")
		if err != nil {
			got <- "error: " + err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		got <- string(b)
	}()
	<-entered
	cancel() // SIGTERM arrives while the request is in flight
	// new connections are refused once shutdown has begun
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("listener still accepting after shutdown began")
		}
		runtime.Gosched() // the listener closes promptly once Shutdown runs
	}
	close(release)
	if body := <-got; body != "finished" {
		t.Fatalf("in-flight request: %q, want it to finish", body)
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve: %v", err)
	}
}
