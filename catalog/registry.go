package catalog

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
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
	guard    VersionGuard
}

// VersionGuard is told each catalog version the registry takes on, with its content hash
// (Catalog.Hash), before the registry serves it; an error refuses that catalog. The server's
// guard remembers the hash of each version in the database, so a version cannot change its
// content across restarts or between instances either.
type VersionGuard func(version, hash string) error

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

// add records c. The same version loaded again must have the same content: otherwise its
// reorder codes would decode to other products. Versions sharing a code symbol are refused.
func (r *Registry) add(c *Catalog) error {
	if err := r.check(c); err != nil {
		return err
	}
	r.byTag[c.tag] = c
	r.versions[c.version] = c
	return nil
}

// check says whether add would take c.
func (r *Registry) check(c *Catalog) error {
	if old, ok := r.versions[c.version]; ok && old.hash != c.hash {
		return fmt.Errorf("%w: version %s is already loaded with other content (sha256 %.12s…, this file %.12s…), so its reorder codes would name other products; give the changed catalog a new version, e.g. version: %s",
			ErrVersionReused, c.version, old.hash, c.hash, r.nextVersion())
	}
	if old, ok := r.byTag[c.tag]; ok && old.version != c.version {
		return &DefinitionError{Problems: []Problem{{Path: "version", Message: fmt.Sprintf(
			"version %q shares its code symbol with version %q, whose codes must stay decodable; choose another version", c.version, old.version)}}}
	}
	return nil
}

// nextVersion suggests a version number above every numeric one loaded.
func (r *Registry) nextVersion() string {
	top := uint64(0)
	for v := range r.versions {
		if n, err := strconv.ParseUint(v, 10, 32); err == nil && n > top {
			top = n
		}
	}
	return strconv.FormatUint(top+1, 10)
}

// Guard installs g, checks every version already loaded with it, and has Reload check each
// new catalog with it before serving it. It returns the first version g refuses.
func (r *Registry) Guard(g VersionGuard) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, v := range sortedVersions(r.versions) {
		if err := g(v, r.versions[v].hash); err != nil {
			return fmt.Errorf("catalog version %s: %w", v, err)
		}
	}
	r.guard = g
	return nil
}

func sortedVersions(m map[string]*Catalog) []string {
	out := make([]string, 0, len(m))
	for v := range m {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
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
	return sortedVersions(r.versions)
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

// Reload loads data as the new current catalog. If it is invalid, its version collides
// with a kept one, it reuses a known version with other content (ErrVersionReused), or the
// guard refuses it, the registry keeps serving the last good catalog and returns the error.
func (r *Registry) Reload(data []byte) error {
	c, err := Load(data)
	if err != nil {
		return err
	}
	r.mu.RLock()
	g, err := r.guard, r.check(c)
	r.mu.RUnlock()
	if err != nil {
		return err
	}
	if g != nil {
		// Outside the lock: the guard may ask the database, and decoding must not wait.
		if err := g(c.version, c.hash); err != nil {
			return fmt.Errorf("catalog version %s: %w", c.version, err)
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.add(c); err != nil {
		return err
	}
	r.current = c
	return nil
}
