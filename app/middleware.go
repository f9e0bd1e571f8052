package app

import (
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"atelier/app/web"
)

// contentSecurityPolicy allows only our own scripts and styles; the form-action entry lets the
// checkout form redirect to Stripe's hosted page.
const contentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; " +
	"style-src-attr 'unsafe-inline'; script-src 'self'; object-src 'none'; base-uri 'self'; " +
	"form-action 'self' https://checkout.stripe.com; frame-ancestors 'none'"

func (s *Server) middleware() {
	e := s.echo
	e.Use(middleware.RequestID())
	e.Use(s.requestLog())
	e.Use(s.metrics.middleware)
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{
		DisableStackAll: true,
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			s.deps.Log.Error("panic", "request_id", c.Response().Header().Get(echo.HeaderXRequestID),
				"path", c.Request().URL.Path, slog.Any("error", err), "stack", string(stack))
			return err
		},
	}))
	e.Use(s.securityHeaders)
	e.Use(middleware.BodyLimit(s.deps.Config.BodyLimit))
	// Compress pages and static files only. Echo takes a compressor (~1 MiB of tables) from
	// its pool for every compressed request before it knows the size, so compressing the small
	// JSON answers of the API multiplied memory by the number of requests in flight (measured:
	// 235–259 MiB RSS at 100 clients with, 60–74 MiB without) for little saving.
	e.Use(middleware.GzipWithConfig(middleware.GzipConfig{
		MinLength: 1024,
		Skipper: func(c echo.Context) bool {
			p := c.Request().URL.Path
			return strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/webhooks/") || p == "/metrics" || p == "/healthz"
		},
	}))
	e.Use(web.SessionMiddleware(s.deps.Sessions))
	e.Use(s.apiGuard)
	e.Use(s.csrf())
}

// requestLog writes one structured line per request.
func (s *Server) requestLog() echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogStatus: true, LogURIPath: true, LogMethod: true, LogLatency: true, LogRequestID: true,
		LogRoutePath: true, LogRemoteIP: true, LogError: true, HandleError: true,
		Skipper: func(c echo.Context) bool { return strings.HasPrefix(c.Request().URL.Path, "/static/") },
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			level := slog.LevelInfo
			if v.Status >= 500 {
				level = slog.LevelError
			}
			s.deps.Log.LogAttrs(c.Request().Context(), level, "request",
				slog.String("method", v.Method), slog.String("path", v.URIPath), slog.String("route", v.RoutePath),
				slog.Int("status", v.Status), slog.Duration("latency", v.Latency),
				slog.String("request_id", v.RequestID), slog.String("ip", v.RemoteIP))
			return nil
		},
	})
}

func (s *Server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	secure := s.base.Scheme == "https"
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if secure {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		return next(c)
	}
}

// apiGuard is the CSRF defence of the JSON API: bodies must be JSON (a cross-site HTML form
// cannot send that without a CORS preflight, which we never grant), and requests the browser
// marks as cross-site, or whose Origin is foreign, are refused.
func (s *Server) apiGuard(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if !strings.HasPrefix(r.URL.Path, "/api/") {
			return next(c)
		}
		if r.Header.Get("Sec-Fetch-Site") == "cross-site" || !s.sameOrigin(r) {
			return web.Errorf(http.StatusForbidden, "Cross-site requests to the API are refused.")
		}
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return next(c)
		}
		if r.ContentLength != 0 {
			mt, _, err := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType))
			if err != nil || mt != echo.MIMEApplicationJSON {
				return web.Errorf(http.StatusUnsupportedMediaType, "Send JSON with Content-Type: application/json.")
			}
		}
		return next(c)
	}
}

// sameOrigin reports whether the request has no Origin or one matching the store's own.
func (s *Server) sameOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil {
		return false
	}
	return strings.EqualFold(u.Host, r.Host) || strings.EqualFold(u.Host, s.base.Host)
}

// csrf checks a token on every state-changing request outside the JSON API and the webhooks,
// and answers a missing or wrong token with a 403 a person can act on. A form body over the
// limit is answered 413: Echo's CSRF middleware ignores the failed read and finds no token.
func (s *Server) csrf() echo.MiddlewareFunc {
	mw := middleware.CSRFWithConfig(middleware.CSRFConfig{
		TokenLookup:    "header:X-CSRF-Token,form:_csrf",
		ContextKey:     web.CSRFContextKey,
		CookieName:     "atelier_csrf",
		CookiePath:     "/",
		CookieHTTPOnly: true,
		CookieSecure:   s.base.Scheme == "https",
		CookieSameSite: http.SameSiteLaxMode,
		CookieMaxAge:   int((12 * time.Hour).Seconds()),
		Skipper: func(c echo.Context) bool {
			p := c.Request().URL.Path
			return strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/webhooks/") || strings.HasPrefix(p, "/static/") ||
				p == "/healthz" || p == "/metrics"
		},
	})
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			var body *readErrBody
			if r.Body != nil && r.Body != http.NoBody {
				body = &readErrBody{ReadCloser: r.Body}
				r.Body = body
			}
			reached := false
			err := mw(func(c echo.Context) error { reached = true; return next(c) })(c)
			var he *echo.HTTPError
			if err != nil && !reached && errors.As(err, &he) && (he.Code == http.StatusForbidden || he.Code == http.StatusBadRequest) {
				if body != nil && web.BodyTooLarge(body.err) {
					return body.err
				}
				return web.ErrCSRF
			}
			return err
		}
	}
}

// readErrBody keeps the last error of reading a request body other than its end.
type readErrBody struct {
	io.ReadCloser
	err error
}

func (b *readErrBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF {
		b.err = err
	}
	return n, err
}
