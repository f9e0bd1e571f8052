// Package templates holds Atelier's html/template pages, embedded into the binary.
//
// layout.html defines "layout", which every page executes; partials/*.html define shared
// blocks; pages/**.html each define "content" (and may define "title" or "head").
package templates

import "embed"

// FS holds layout.html, partials/ and pages/.
//
//go:embed layout.html partials pages
var FS embed.FS
