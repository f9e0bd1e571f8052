package account

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/url"
	"strconv"
	"time"

	"golang.org/x/crypto/hkdf"
)

// ReorderLinkTTL is how long a replenishment link stays valid.
const ReorderLinkTTL = 30 * 24 * time.Hour

// LinkSigner signs and checks replenishment links
// /reorder/{code}?order=<public id>&exp=<unix>&sig=<hmac>. Its key is derived with
// HKDF-SHA256 from the session secret (info "atelier reorder link"), so it needs no
// configuration of its own and rotates with the session secret. The link names the product
// code and the order it was bought in (order may be empty: the code alone); the signature
// makes it tamper-proof and bounds its life. It does not sign anyone in: it lets its holder
// put that order's product in a bag, with the label name it was made with.
type LinkSigner struct {
	key []byte
	now func() time.Time
}

// NewLinkSigner derives the link key from secret (the newest session secret).
func NewLinkSigner(secret []byte, now func() time.Time) *LinkSigner {
	key := make([]byte, 32)
	if _, err := io.ReadFull(hkdf.New(sha256.New, secret, nil, []byte("atelier reorder link")), key); err != nil {
		panic(err) // hkdf yields far more than 32 bytes
	}
	return &LinkSigner{key: key, now: now}
}

func (s *LinkSigner) mac(code, order string, exp int64) string {
	m := hmac.New(sha256.New, s.key)
	msg := "reorder\x00" + code + "\x00" + strconv.FormatInt(exp, 10)
	if order != "" {
		msg += "\x00order\x00" + order
	}
	m.Write([]byte(msg))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:20])
}

// Path returns the signed path of code's reorder link, valid for ReorderLinkTTL; order is
// the public id of the order it was bought in, or "".
func (s *LinkSigner) Path(code, order string) string {
	exp := s.now().Add(ReorderLinkTTL).Unix()
	q := "?"
	if order != "" {
		q += "order=" + url.QueryEscape(order) + "&"
	}
	return "/reorder/" + url.PathEscape(code) + q + "exp=" + strconv.FormatInt(exp, 10) + "&sig=" + s.mac(code, order, exp)
}

// ReorderURL returns fulfillment.Options.ReorderURL: absolute signed links under base.
func (s *LinkSigner) ReorderURL(base string) func(code, order string) string {
	return func(code, order string) string { return base + s.Path(code, order) }
}

// Check verifies a link's expiry and signature: ErrTokenInvalid when forged or malformed,
// ErrTokenExpired when too old.
func (s *LinkSigner) Check(code, order, exp, sig string) error {
	e, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || sig == "" || !hmac.Equal([]byte(sig), []byte(s.mac(code, order, e))) {
		return ErrTokenInvalid
	}
	if !s.now().Before(time.Unix(e, 0)) {
		return ErrTokenExpired
	}
	return nil
}
