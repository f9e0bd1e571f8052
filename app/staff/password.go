package staff

import (
	"crypto/rand"
	"fmt"
)

// Password limits. The upper bound keeps a hostile login from spending the server's memory
// and time on hashing megabytes.
const (
	MinPasswordLength = 12
	MaxPasswordLength = 128
)

// GeneratePassword returns a random one-time password of 20 characters from an alphabet
// without look-alikes.
func GeneratePassword() string {
	const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"
	const limit = 256 - 256%len(alphabet) // reject bytes that would bias the draw
	out := make([]byte, 0, 20)
	buf := make([]byte, 32)
	for len(out) < cap(out) {
		if _, err := rand.Read(buf); err != nil {
			panic(err) // crypto/rand does not fail on supported platforms
		}
		for _, c := range buf {
			if int(c) < limit && len(out) < cap(out) {
				out = append(out, alphabet[int(c)%len(alphabet)])
			}
		}
	}
	return string(out)
}

// validatePassword returns a message when pw is too short or too long.
func validatePassword(pw string) string {
	switch {
	case len(pw) < MinPasswordLength:
		return fmt.Sprintf("Use at least %d characters.", MinPasswordLength)
	case len(pw) > MaxPasswordLength:
		return fmt.Sprintf("Use at most %d characters.", MaxPasswordLength)
	}
	return ""
}
