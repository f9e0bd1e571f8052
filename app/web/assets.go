package web

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// Assets serves the embedded static files under content-hashed names (site.3f2a1b9c.css), so
// they can be cached for a year and a new build is fetched at once.
type Assets struct {
	fsys   fs.FS
	hashed map[string]string // logical path → hashed path
	plain  map[string]string // hashed path → logical path
}

// NewAssets hashes every file in fsys.
func NewAssets(fsys fs.FS) (*Assets, error) {
	a := &Assets{fsys: fsys, hashed: map[string]string{}, plain: map[string]string{}}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".go") {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ext := path.Ext(p)
		h := strings.TrimSuffix(p, ext) + "." + hex.EncodeToString(sum[:4]) + ext
		a.hashed[p], a.plain[h] = h, p
		return nil
	})
	return a, err
}

// URL returns the cacheable URL of a static file, e.g. "css/site.css" → "/static/css/site.1a2b3c4d.css".
func (a *Assets) URL(p string) string {
	if a != nil {
		if h, ok := a.hashed[p]; ok {
			return "/static/" + h
		}
	}
	return "/static/" + p
}

// Handler serves /static/*: a hashed name for a year, a plain name for an hour.
func (a *Assets) Handler(c echo.Context) error {
	name := strings.TrimPrefix(c.Param("*"), "/")
	logical, hashed := a.plain[name]
	if !hashed {
		logical = name
	}
	f, err := a.fsys.Open(logical)
	if err != nil {
		return echo.ErrNotFound
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.IsDir() {
		return echo.ErrNotFound
	}
	if hashed {
		c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		c.Response().Header().Set("Cache-Control", "public, max-age=3600")
	}
	rs, ok := f.(interface {
		Read([]byte) (int, error)
		Seek(int64, int) (int64, error)
	})
	if !ok {
		return echo.ErrNotFound
	}
	http.ServeContent(c.Response(), c.Request(), logical, time.Time{}, rs)
	return nil
}
