// Package browsertest drives Debian's chromium through the whole store, as its users meet it:
// a shopper takes the consultation (with Back, and a resume in a second browser), customises
// and buys a product, signs up and reorders; staff sign in, make and ship the order and follow
// it up. The tests live in _test.go files; they skip when no chromium is found, unless
// ATELIER_REQUIRE_BROWSER=1, and save screenshots of the pages they saw when they fail (into
// $ATELIER_ARTIFACTS, or testdata/artifacts).
package browsertest
