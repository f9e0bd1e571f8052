// Package passhash hashes passwords with argon2id into PHC strings
// ($argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>) that record their own parameters.
// Verification always uses the parameters a hash names, so the cost can change — raised in
// production over the years, lowered in tests — without any stored hash becoming invalid.
// The staff and customer accounts share it.
package passhash

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id cost parameters.
type Params struct {
	// Time is the number of passes over the memory.
	Time uint32
	// MemoryKiB is the memory used, in KiB.
	MemoryKiB uint32
	// Threads is the degree of parallelism.
	Threads uint8
}

// Default returns the production parameters, OWASP's recommended argon2id set:
// m=19 MiB, t=2, p=1.
func Default() Params { return Params{Time: 2, MemoryKiB: 19 * 1024, Threads: 1} }

// OrDefault returns p, or Default() when p is the zero value (so an unset option means
// production cost, never a cheap one).
func (p Params) OrDefault() Params {
	if p == (Params{}) {
		return Default()
	}
	return p
}

// Bounds a hash's parameters must stay within to be verified: a corrupt or hostile hash must
// not make one sign-in spend gigabytes or minutes, nor panic the argon2 package.
const (
	maxTime      = 16
	maxMemoryKiB = 1 << 20 // 1 GiB
	maxThreads   = 16
	keyLen       = 32
	saltLen      = 16
)

// ErrMalformed is returned for a string that is not a verifiable argon2id PHC hash.
var ErrMalformed = errors.New("passhash: malformed password hash")

// valid reports whether p is within the bounds Hash and Verify accept.
func (p Params) valid() bool {
	return p.Time >= 1 && p.Time <= maxTime && p.Threads >= 1 && p.Threads <= maxThreads &&
		p.MemoryKiB >= 8*uint32(p.Threads) && p.MemoryKiB <= maxMemoryKiB
}

var b64 = base64.RawStdEncoding

// Hash returns the PHC string of password hashed with p (the zero Params = Default).
func (p Params) Hash(password string) (string, error) {
	p = p.OrDefault()
	if !p.valid() {
		return "", fmt.Errorf("passhash: parameters out of bounds: %+v", p)
	}
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("passhash: salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.MemoryKiB, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Equalise spends the time a Verify against a hash made with p would, for the answers that
// must not reveal that no account matched (the zero Params = Default).
func (p Params) Equalise(password string) {
	p = p.OrDefault()
	if p.valid() {
		argon2.IDKey([]byte(password), make([]byte, saltLen), p.Time, p.MemoryKiB, p.Threads, keyLen)
	}
}

// Parse returns the parameters a PHC hash names, or ErrMalformed.
func Parse(encoded string) (Params, error) {
	p, _, _, err := parse(encoded)
	return p, err
}

func parse(encoded string) (p Params, salt, key []byte, err error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, ErrMalformed
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, nil, nil, ErrMalformed
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.MemoryKiB, &p.Time, &p.Threads); err != nil || !p.valid() {
		return p, nil, nil, ErrMalformed
	}
	if salt, err = b64.DecodeString(parts[4]); err != nil || len(salt) == 0 {
		return p, nil, nil, ErrMalformed
	}
	if key, err = b64.DecodeString(parts[5]); err != nil || len(key) == 0 || len(key) > 64 {
		return p, nil, nil, ErrMalformed
	}
	return p, salt, key, nil
}

// Verify reports whether password matches the PHC hash encoded, comparing in constant time
// with the parameters the hash names. A malformed hash is ErrMalformed (and never matches).
func Verify(encoded, password string) (bool, error) {
	p, salt, want, err := parse(encoded)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}
