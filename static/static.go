// Package static holds Atelier's CSS, images and small progressive-enhancement scripts,
// embedded into the binary. There is no build step: what is here is what is served.
package static

import "embed"

// FS holds css/, js/ and img/.
//
//go:embed css js img
var FS embed.FS
