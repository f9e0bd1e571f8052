package web

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"
	"golang.org/x/crypto/hkdf"
)

// SessionName is the cookie holding the signed, encrypted session.
const SessionName = "atelier"

// SessionMaxAge is how long a session cookie lives without a visit.
const SessionMaxAge = 30 * 24 * time.Hour

// NewSessionStore builds the cookie store from secrets, newest first: the first signs and
// encrypts, the rest still decode cookies made before a rotation. Each secret yields an HMAC key
// and an AES-256 key through HKDF. Cookies are HttpOnly, SameSite=Lax, and Secure when secure.
func NewSessionStore(secrets [][]byte, secure bool) (*sessions.CookieStore, error) {
	if len(secrets) == 0 {
		return nil, fmt.Errorf("no session secret configured")
	}
	var pairs [][]byte
	for i, s := range secrets {
		if len(s) < 32 {
			return nil, fmt.Errorf("session secret %d is %d bytes; use at least 32 random bytes", i+1, len(s))
		}
		hashKey, blockKey := deriveKey(s, "atelier session hmac", 64), deriveKey(s, "atelier session aes", 32)
		pairs = append(pairs, hashKey, blockKey)
	}
	store := sessions.NewCookieStore(pairs...)
	store.Options = &sessions.Options{
		Path:     "/",
		MaxAge:   int(SessionMaxAge.Seconds()),
		HttpOnly: true,
		Secure:   secure,
		SameSite: http.SameSiteLaxMode,
	}
	// MaxAge on the codecs bounds the signed timestamp, so an old cookie's value expires too.
	store.MaxAge(int(SessionMaxAge.Seconds()))
	for _, c := range store.Codecs {
		if sc, ok := c.(*securecookie.SecureCookie); ok {
			sc.SetSerializer(sessionValues{})
		}
	}
	return store, nil
}

// sessionValues serialises session values as a JSON object. Every request decodes the cookie,
// and gob (gorilla's default) describes its types afresh in every cookie and compiles a
// decoder for them on every read: a tenth of a quiz answer's time. Values are strings, int64s
// and bools (Session.Set); JSON keeps the three apart (an integer comes back as int64). A cookie
// written by gob before this codec still decodes.
type sessionValues struct{}

func (sessionValues) Serialize(src any) ([]byte, error) {
	values, ok := src.(map[any]any)
	if !ok {
		return nil, fmt.Errorf("session: cannot serialise %T", src)
	}
	out := make(map[string]any, len(values))
	for k, v := range values {
		key, ok := k.(string)
		if !ok {
			return nil, fmt.Errorf("session: key %v is not a string", k)
		}
		switch v.(type) {
		case string, int64, bool:
			out[key] = v
		default:
			return nil, fmt.Errorf("session: value of %q is a %T; store a string, an int64 or a bool", key, v)
		}
	}
	return json.Marshal(out)
}

func (sessionValues) Deserialize(src []byte, dst any) error {
	values, ok := dst.(*map[any]any)
	if !ok {
		return fmt.Errorf("session: cannot deserialise into %T", dst)
	}
	if len(src) == 0 || src[0] != '{' {
		return securecookie.GobEncoder{}.Deserialize(src, dst)
	}
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		// A gob message can begin with '{' too (a length of 123).
		if gerr := (securecookie.GobEncoder{}).Deserialize(src, dst); gerr == nil {
			return nil
		}
		return fmt.Errorf("session: %w", err)
	}
	out := make(map[any]any, len(m))
	for k, v := range m {
		switch v := v.(type) {
		case json.Number:
			n, err := v.Int64()
			if err != nil {
				return fmt.Errorf("session: value of %q: %w", k, err)
			}
			out[k] = n
		case string, bool:
			out[k] = v
		default:
			return fmt.Errorf("session: value of %q is a %T", k, v)
		}
	}
	*values = out
	return nil
}

func deriveKey(secret []byte, info string, n int) []byte {
	key := make([]byte, n)
	if _, err := io.ReadFull(hkdf.New(sha256.New, secret, nil, []byte(info)), key); err != nil {
		panic(err) // hkdf can produce far more than 64 bytes; this cannot happen
	}
	return key
}

// Session is the request's cookie session. Changes are saved just before the response
// header is written, so handlers only set values.
type Session struct {
	s     *sessions.Session
	dirty bool
}

const ctxSession = "atelier.session"

// SessionMiddleware loads the session for every request. A tampered, undecodable or expired
// cookie yields a fresh, empty session, never an error.
func SessionMiddleware(store sessions.Store) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			s, err := store.Get(c.Request(), SessionName)
			if err != nil || s == nil {
				s, _ = store.New(c.Request(), SessionName)
				s.IsNew = true
				s.Values = map[any]any{}
			}
			sess := &Session{s: s}
			c.Set(ctxSession, sess)
			c.Response().Before(func() {
				if sess.dirty {
					if err := store.Save(c.Request(), c.Response().Writer, s); err != nil {
						c.Logger().Error("save session: ", err)
					}
				}
			})
			return next(c)
		}
	}
}

// SessionOf returns the request's session (an empty, unsaved one outside the middleware).
func SessionOf(c echo.Context) *Session {
	if s, ok := c.Get(ctxSession).(*Session); ok {
		return s
	}
	s := sessions.NewSession(nil, SessionName)
	c.Set(ctxSession, &Session{s: s})
	return c.Get(ctxSession).(*Session)
}

// String returns a string value, "" when unset.
func (s *Session) String(key string) string {
	v, _ := s.s.Values[key].(string)
	return v
}

// Int returns an integer value, 0 when unset.
func (s *Session) Int(key string) int64 {
	v, _ := s.s.Values[key].(int64)
	return v
}

// Set stores a value (string, int64 or bool) and marks the session for saving.
func (s *Session) Set(key string, v any) {
	s.s.Values[key] = v
	s.dirty = true
}

// Delete removes a value.
func (s *Session) Delete(key string) {
	if _, ok := s.s.Values[key]; ok {
		delete(s.s.Values, key)
		s.dirty = true
	}
}

// Clear empties the session, owner key included, e.g. on sign-out: the browser starts afresh
// as a new guest, so nothing its previous visitor owned (a bag, a consultation, an order placed
// as a guest) stays reachable from it. What was attached to an account stays with the account.
func (s *Session) Clear() {
	clear(s.s.Values)
	s.dirty = true
}

// OwnerKey returns the session's opaque random id, creating it on first use. Objects made by a
// visitor without an account (quiz responses, bags, orders) are keyed by it.
func (s *Session) OwnerKey() string {
	if k := s.String("owner"); k != "" {
		return k
	}
	k := RandomID(18)
	s.Set("owner", k)
	return k
}

// RandomID returns n random bytes as unpadded base64url text.
func RandomID(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return strings.TrimRight(base64.RawURLEncoding.EncodeToString(b), "=")
}
