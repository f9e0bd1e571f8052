package account

import "atelier/app/passhash"

// verifyPassword reports whether password matches the PHC string encoded, with the cost the
// hash records. A malformed or empty hash never matches.
func verifyPassword(encoded, password string) bool {
	ok, _ := passhash.Verify(encoded, password)
	return ok
}
