package products

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"atelier/app/web"
	"atelier/catalog"
)

// MaxPreviewName is the longest name, in characters, the preview prints on a label (the quiz
// asks for at most as many).
const MaxPreviewName = 24

// previewRevision changes whenever the drawing changes, so old ETags stop matching.
const previewRevision = "2"

// validName returns why name cannot go on a label, or "" when it can.
func validName(name string) string {
	if !utf8.ValidString(name) {
		return "The name must be valid text."
	}
	if utf8.RuneCountInString(name) > MaxPreviewName {
		return "The name can be at most 24 characters."
	}
	if strings.IndexFunc(name, unicode.IsControl) >= 0 {
		return "The name cannot contain control characters."
	}
	return ""
}

// previewETag is a strong validator for the picture of code with name: the output depends only
// on the product (fixed by its code, whose first symbol is the catalog version) and the name.
func previewETag(code, name string) string {
	sum := sha256.Sum256([]byte(previewRevision + "\x00" + code + "\x00" + name))
	return `"` + hex.EncodeToString(sum[:12]) + `"`
}

// Preview answers GET /api/v1/products/{code}/preview.svg?name=NAME: the bottle as SVG, public
// and cacheable for a day, with an ETag from code and name. The product is labelled for
// a profile holding only the name, so nothing of the visitor's session leaks into a cached
// picture. Every text is escaped by catalog.PreviewSVG.
func (h *Handlers) Preview(c echo.Context) error {
	name := c.QueryParam("name")
	if msg := validName(name); msg != "" {
		return web.Invalid(msg, map[string]string{"name": msg})
	}
	p, err := h.catalog.Decode(c.Param("code"), catalog.Profile{Name: name})
	if err != nil {
		return err
	}
	etag := previewETag(p.Code, name)
	hd := c.Response().Header()
	hd.Set("Cache-Control", "public, max-age=86400")
	hd.Set("ETag", etag)
	if match := c.Request().Header.Get("If-None-Match"); match != "" && strings.Contains(match, etag) {
		return c.NoContent(http.StatusNotModified)
	}
	var buf bytes.Buffer
	if err := catalog.PreviewSVG(&buf, p, name); err != nil {
		return err
	}
	return c.Blob(http.StatusOK, "image/svg+xml", buf.Bytes())
}
