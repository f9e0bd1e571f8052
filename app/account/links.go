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

// LinkSigner signs and checks replenishment links /reorder/{code}?exp=<unix>&sig=<hmac>.
// Its key is derived with HKDF-SHA256 from the session secret (info "atelier reorder link"),
// so it needs no configuration of its own and rotates with the session secret. The link
// names only the product code (fulfillment's ReorderURL hook receives just the code); the
// signature makes it tamper-proof and bounds its life, it does not sign anyone in.
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

func (s *LinkSigner) mac(code string, exp int64) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte("reorder\x00" + code + "\x00" + strconv.FormatInt(exp, 10)))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:20])
}

// Path returns the signed path of code's reorder link, valid for ReorderLinkTTL.
func (s *LinkSigner) Path(code string) string {
	exp := s.now().Add(ReorderLinkTTL).Unix()
	return "/reorder/" + url.PathEscape(code) + "?exp=" + strconv.FormatInt(exp, 10) + "&sig=" + s.mac(code, exp)
}

// ReorderURL returns fulfillment.Options.ReorderURL: absolute signed links under base.
func (s *LinkSigner) ReorderURL(base string) func(code string) string {
	return func(code string) string { return base + s.Path(code) }
}

// Check verifies a link's expiry and signature: ErrTokenInvalid when forged or malformed,
// ErrTokenExpired when too old.
func (s *LinkSigner) Check(code, exp, sig string) error {
	e, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || sig == "" || !hmac.Equal([]byte(sig), []byte(s.mac(code, e))) {
		return ErrTokenInvalid
	}
	if !s.now().Before(time.Unix(e, 0)) {
		return ErrTokenExpired
	}
	return nil
}
