package catalog

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
)

func TestRegistryDecodesOldVersions(t *testing.T) {
	r, err := NewDefaultRegistry(nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Versions(); !slices.Equal(got, []string{"1", "2"}) {
		t.Fatalf("versions %v", got)
	}
	v1, _ := r.Version("1")
	old := sampleCodes(t, v1, 3)
	for _, code := range old {
		p, err := r.Decode(code, Profile{})
		if err != nil || p.Version != "1" || p.Code != code {
			t.Fatalf("decode v1 code %q: %v %+v", code, err, p.Version)
		}
		// The current catalog alone refuses it with ErrUnknownVersion.
		if _, err := r.Current().Decode(code, Profile{}); !errors.Is(err, ErrUnknownVersion) {
			t.Fatalf("current catalog decoded a v1 code: %v", err)
		}
	}
}

func TestRegistryReloadKeepsLastGood(t *testing.T) {
	r, err := NewRegistry(DefaultYAML())
	if err != nil {
		t.Fatal(err)
	}
	good := r.Current()
	bad := strings.Replace(string(DefaultYAML()), "actives.retinol, actives.bakuchiol", "actives.retinol, actives.bakuchiolx", 1)
	err = r.Reload([]byte(bad))
	var de *DefinitionError
	if !errors.As(err, &de) || de.Problems[0].Line == 0 || !strings.Contains(de.Error(), "bakuchiolx") {
		t.Fatalf("reload of a bad catalog: %v", err)
	}
	if r.Current() != good {
		t.Fatal("a bad reload replaced the current catalog")
	}
	next := strings.Replace(string(DefaultYAML()), "version: 2", "version: 3", 1)
	if err := r.Reload([]byte(next)); err != nil {
		t.Fatal(err)
	}
	if r.Current().Version() != "3" {
		t.Fatalf("current is %s", r.Current().Version())
	}
	code := sampleCodes(t, good, 1)[0]
	if p, err := r.Decode(code, Profile{}); err != nil || p.Version != "2" {
		t.Fatalf("v2 code after reload: %v", err)
	}
	// Version 34 shares version 2's code symbol: refused, v3 stays current.
	clash := strings.Replace(string(DefaultYAML()), "version: 2", "version: 34", 1)
	if err := r.Reload([]byte(clash)); err == nil || r.Current().Version() != "3" {
		t.Fatalf("clashing version accepted: %v", err)
	}
}

func TestPreviewSVG(t *testing.T) {
	c := mustDefault(t)
	names := []string{"Maya", `<script>alert("x")</script>`, `"&'<>`, "Maximiliana Alexandrina Wilhelmina von Hohenzollern-Sigmaringen", ""}
	shapes := map[string]bool{}
	for _, l := range c.lines {
		for _, n := range names {
			p, err := l.Best(Profile{Name: n, Traits: map[string][]string{"texture": {"rich"}}})
			if err != nil {
				t.Fatal(err)
			}
			for _, shape := range []string{"bottle", "pump", "jar", "dropper", "tube"} {
				p.Packaging.Shape = shape
				shapes[shape] = true
				var a, b bytes.Buffer
				if err := PreviewSVG(&a, p, n); err != nil {
					t.Fatal(err)
				}
				_ = PreviewSVG(&b, p, n)
				if !bytes.Equal(a.Bytes(), b.Bytes()) {
					t.Fatal("preview is not deterministic")
				}
				svg := a.String()
				if strings.Contains(svg, "<script") || strings.Contains(svg, `"x"`) {
					t.Fatalf("unescaped name in %s", svg)
				}
				if !strings.Contains(svg, "linearGradient") || !strings.Contains(svg, "<text") {
					t.Fatal("preview lacks gradient or text")
				}
				dec := xml.NewDecoder(strings.NewReader(svg))
				for {
					_, err := dec.Token()
					if err == io.EOF {
						break
					}
					if err != nil {
						t.Fatalf("malformed SVG for %q (%s): %v", n, shape, err)
					}
				}
			}
		}
	}
}

// TestRegistryRefusesChangedVersion: a catalog whose version is known but whose content
// differs would make that version's reorder codes decode to other products.
func TestRegistryRefusesChangedVersion(t *testing.T) {
	r, err := NewDefaultRegistry(nil)
	if err != nil {
		t.Fatal(err)
	}
	good := r.Current()
	code := sampleCodes(t, good, 1)[0]
	before, _ := r.Decode(code, Profile{})
	changed := strings.Replace(string(DefaultYAML()), "base_price: 2200", "base_price: 2300", 1)
	if changed == string(DefaultYAML()) {
		t.Fatal("the test's edit did not apply")
	}
	err = r.Reload([]byte(changed))
	if !errors.Is(err, ErrVersionReused) || !strings.Contains(err.Error(), "version: 3") {
		t.Fatalf("reload of version 2 with other content: %v", err)
	}
	if r.Current() != good {
		t.Fatal("the changed catalog replaced the current one")
	}
	if after, _ := r.Decode(code, Profile{}); after.PriceCents != before.PriceCents {
		t.Fatalf("code %s now costs %d, was %d", code, after.PriceCents, before.PriceCents)
	}
	// The same content laid out differently (comments, quoting, key order) is the same version.
	same := "# a comment\n" + strings.Replace(string(DefaultYAML()), "version: 2", `version: "2"`, 1)
	if err := r.Reload([]byte(same)); err != nil {
		t.Fatalf("reload of the same content: %v", err)
	}
	// At start-up too: an override of an embedded version must not differ from it.
	if _, err := NewDefaultRegistry([]byte(changed)); !errors.Is(err, ErrVersionReused) {
		t.Fatalf("start with a changed version 2: %v", err)
	}
}

// TestRegistryGuard: a guard (the settings table, in the server) sees every version with its
// content hash, at once and on each reload, and can refuse one.
func TestRegistryGuard(t *testing.T) {
	r, err := NewDefaultRegistry(nil)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	refuse := ""
	guard := func(version, hash string) error {
		if version == refuse {
			return fmt.Errorf("%w: pinned elsewhere", ErrVersionReused)
		}
		seen[version] = hash
		return nil
	}
	if err := r.Guard(guard); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 2 || seen["2"] != r.Current().Hash() || len(seen["2"]) != 64 {
		t.Fatalf("guard saw %v", seen)
	}
	refuse = "3"
	next := strings.Replace(string(DefaultYAML()), "version: 2", "version: 3", 1)
	if err := r.Reload([]byte(next)); !errors.Is(err, ErrVersionReused) || r.Current().Version() != "2" {
		t.Fatalf("guard's refusal: %v, current %s", err, r.Current().Version())
	}
	refuse = ""
	if err := r.Reload([]byte(next)); err != nil || r.Current().Version() != "3" || seen["3"] == "" {
		t.Fatalf("reload: %v", err)
	}
}
