package web

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
)

func testStore(t *testing.T) *sessions.CookieStore {
	t.Helper()
	store, err := NewSessionStore([][]byte{[]byte("0123456789abcdef0123456789abcdef")}, false)
	if err != nil {
		t.Fatal(err)
	}
	return store
}

// roundTrip saves values in a cookie and reads them back through the store.
func roundTrip(t *testing.T, store *sessions.CookieStore, values map[any]any) (map[any]any, error) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	s := sessions.NewSession(store, SessionName)
	s.Values = values
	rec := httptest.NewRecorder()
	if err := store.Save(req, rec, s); err != nil {
		return nil, err
	}
	next := httptest.NewRequest(http.MethodGet, "/", nil)
	for _, c := range rec.Result().Cookies() {
		next.AddCookie(c)
	}
	got, err := store.New(next, SessionName)
	return got.Values, err
}

func TestSessionValuesKeepTheirTypes(t *testing.T) {
	store := testStore(t)
	values := map[any]any{"owner": "k3y", "customer_id": int64(42), "staff_epoch": int64(-7),
		"big": int64(1) << 60, "flag": true, "empty": ""}
	got, err := roundTrip(t, store, values)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, values) {
		t.Errorf("got %#v\nwant %#v", got, values)
	}
}

func TestSessionValuesRefuseOtherTypes(t *testing.T) {
	store := testStore(t)
	for name, values := range map[string]map[any]any{
		"int":        {"n": 3},
		"float":      {"n": 1.5},
		"struct":     {"s": struct{}{}},
		"non-string": {7: "x"},
	} {
		if _, err := roundTrip(t, store, values); err == nil {
			t.Errorf("%s: saved", name)
		}
	}
}

// TestSessionGobCookiesStillDecode: cookies written before the JSON codec (gorilla's gob) keep
// their sessions.
func TestSessionGobCookiesStillDecode(t *testing.T) {
	store := testStore(t)
	values := map[any]any{"owner": "before", "customer_id": int64(9)}
	for _, c := range store.Codecs {
		c.(*securecookie.SecureCookie).SetSerializer(securecookie.GobEncoder{})
	}
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	s := sessions.NewSession(store, SessionName)
	s.Values = values
	rec := httptest.NewRecorder()
	if err := store.Save(req, rec, s); err != nil {
		t.Fatal(err)
	}
	fresh := testStore(t) // same secret, JSON codec
	next := httptest.NewRequest(http.MethodGet, "/", nil)
	for _, c := range rec.Result().Cookies() {
		next.AddCookie(c)
	}
	got, err := fresh.New(next, SessionName)
	if err != nil || !reflect.DeepEqual(got.Values, values) {
		t.Fatalf("gob cookie: %#v %v", got.Values, err)
	}
}

func TestSessionValuesDeserialiseRefusesJunk(t *testing.T) {
	for _, src := range []string{`{"n": 1.5}`, `{"n": [1]}`, `{"n": null}`, `{`, `{"a": 99999999999999999999}`} {
		var dst map[any]any
		if err := (sessionValues{}).Deserialize([]byte(src), &dst); err == nil {
			t.Errorf("%s: accepted as %#v", src, dst)
		} else if strings.Contains(err.Error(), "panic") {
			t.Errorf("%s: %v", src, err)
		}
	}
}
