package catalog

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"sync"
)

//go:embed catalogs/*.yaml
var embedded embed.FS

// DefaultFile is the embedded file holding the current default catalog.
const DefaultFile = "catalogs/current.yaml"

// DefaultYAML returns the embedded default catalog definition.
func DefaultYAML() []byte {
	b, err := embedded.ReadFile(DefaultFile)
	if err != nil {
		panic("catalog: embedded default catalog missing: " + err.Error())
	}
	return b
}

// Default loads the embedded default catalog.
func Default() (*Catalog, error) { return Load(DefaultYAML()) }

// History returns every embedded catalog definition (older versions kept so their codes
// stay decodable, and the current one), sorted by file name.
func History() ([][]byte, error) {
	names, err := fs.Glob(embedded, "catalogs/*.yaml")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out [][]byte
	for _, n := range names {
		b, err := embedded.ReadFile(n)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

// Registry holds every catalog version the store has loaded, so codes from older versions
// still decode, and the current catalog, which Reload replaces. It is safe for concurrent
// use.
type Registry struct {
	mu       sync.RWMutex
	current  *Catalog
	versions map[string]*Catalog
	byTag    map[int]*Catalog
}

// NewRegistry loads the current catalog definition and older ones (kept only for
// decoding). Two versions whose code symbols collide are refused: numeric versions use
// their number modulo 32, so up to 32 consecutive versions can live side by side.
func NewRegistry(current []byte, history ...[]byte) (*Registry, error) {
	r := &Registry{versions: map[string]*Catalog{}, byTag: map[int]*Catalog{}}
	for _, h := range history {
		c, err := Load(h)
		if err != nil {
			return nil, err
		}
		if err := r.add(c); err != nil {
			return nil, err
		}
	}
	c, err := Load(current)
	if err != nil {
		return nil, err
	}
	if err := r.add(c); err != nil {
		return nil, err
	}
	r.current = c
	return r, nil
}

// NewDefaultRegistry loads every embedded catalog with the default as current. When
// override is not nil it is loaded as the current catalog instead (a path from config).
func NewDefaultRegistry(override []byte) (*Registry, error) {
	hist, err := History()
	if err != nil {
		return nil, err
	}
	cur := DefaultYAML()
	if override != nil {
		cur = override
	}
	return NewRegistry(cur, hist...)
}

// add records c; the same version loaded again replaces the old one (same tag).
func (r *Registry) add(c *Catalog) error {
	if old, ok := r.byTag[c.tag]; ok && old.version != c.version {
		return &DefinitionError{Problems: []Problem{{Path: "version", Message: fmt.Sprintf(
			"version %q shares its code symbol with version %q, whose codes must stay decodable; choose another version", c.version, old.version)}}}
	}
	r.byTag[c.tag] = c
	r.versions[c.version] = c
	return nil
}

// Current is the catalog used for new products.
func (r *Registry) Current() *Catalog {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.current
}

// Version returns a loaded catalog by version.
func (r *Registry) Version(v string) (*Catalog, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	c, ok := r.versions[v]
	return c, ok
}

// Versions lists the loaded versions, sorted.
func (r *Registry) Versions() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]string, 0, len(r.versions))
	for v := range r.versions {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

// Decode finds the catalog version the code was made with and returns its product,
// labelled for the profile. Errors: ErrMistyped, ErrUnknownVersion, ErrUnknownCode.
func (r *Registry) Decode(code string, p Profile) (Product, error) {
	pc, err := parseCode(code)
	if err != nil {
		return Product{}, err
	}
	r.mu.RLock()
	c := r.byTag[pc.tag]
	r.mu.RUnlock()
	if c == nil {
		return Product{}, ErrUnknownVersion
	}
	return c.Decode(code, p)
}

// Reload loads data as the new current catalog. If it is invalid, or its version
// collides with a kept one, the registry keeps serving the last good catalog and the
// error (a *DefinitionError) is returned.
func (r *Registry) Reload(data []byte) error {
	c, err := Load(data)
	if err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.add(c); err != nil {
		return err
	}
	r.current = c
	return nil
}
