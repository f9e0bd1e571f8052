package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"atelier/catalog"
)

// runCatalog runs "atelier ARGS…" in-process and returns its output and error. exit is the
// status main would exit with: 0, 1 for a failure, 2 for a usage error.
func runCatalog(t *testing.T, args ...string) (out string, exit int, err error) {
	t.Helper()
	var stdout bytes.Buffer
	err = run(context.Background(), args, env(nil), &stdout, io.Discard)
	var ue *usageError
	switch {
	case err == nil:
	case errors.As(err, &ue):
		exit = 2
	default:
		exit = 1
	}
	return stdout.String(), exit, err
}

func TestCatalogStats(t *testing.T) {
	def, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	out, exit, err := runCatalog(t, "catalog", "stats")
	if exit != 0 {
		t.Fatalf("exit %d: %v", exit, err)
	}
	for _, want := range []string{"catalog version " + def.Version(), "total: " + def.Total().String() + "\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("stats lack %q:\n%s", want, out)
		}
	}
	for _, l := range def.Lines() {
		if !strings.Contains(out, l.ID()) || !strings.Contains(out, l.Count().String()) {
			t.Errorf("stats lack line %s with %s variants:\n%s", l.ID(), l.Count(), out)
		}
	}
	// With -catalog FILE the stats are that file's.
	path := filepath.Join(t.TempDir(), "v3.yaml")
	if err := os.WriteFile(path, []byte(strings.Replace(string(catalog.DefaultYAML()), "version: 2", "version: 3", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, _, err := runCatalog(t, "-catalog", path, "catalog", "stats"); err != nil || !strings.Contains(out, "catalog version 3") {
		t.Fatalf("stats of -catalog FILE: %v\n%s", err, out)
	}
}

func TestCatalogCheck(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	if err := os.WriteFile(good, catalog.DefaultYAML(), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, exit, err := runCatalog(t, "catalog", "check", good); exit != 0 || out != good+": ok\n" {
		t.Fatalf("check of the default catalog: exit %d, %v\n%s", exit, err, out)
	}

	// One unknown option in a rule: the error names the file, the line and the option.
	text := strings.Replace(string(catalog.DefaultYAML()), "actives.retinol, actives.bakuchiol", "actives.retinol, actives.bakuchiolx", 1)
	line := 0
	for i, l := range strings.Split(text, "\n") {
		if strings.Contains(l, "bakuchiolx") {
			line = i + 1
		}
	}
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	_, exit, err := runCatalog(t, "catalog", "check", bad)
	if exit != 1 || err == nil {
		t.Fatalf("check of a bad file: exit %d, %v", exit, err)
	}
	for _, want := range []string{bad, "line " + strconv.Itoa(line) + ":", "bakuchiolx"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}

	if _, exit, _ := runCatalog(t, "catalog", "check", filepath.Join(dir, "missing.yaml")); exit != 1 {
		t.Errorf("check of a missing file: exit %d", exit)
	}
	if _, exit, _ := runCatalog(t, "catalog", "check"); exit != 2 {
		t.Errorf("check without a file: exit %d, want 2", exit)
	}
}

func TestCatalogDecode(t *testing.T) {
	def, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	serum, _ := def.Line("serum")
	p, err := serum.Best(catalog.Profile{})
	if err != nil {
		t.Fatal(err)
	}
	out, exit, err := runCatalog(t, "catalog", "decode", strings.ToLower(p.Code))
	if exit != 0 {
		t.Fatalf("decode %s: exit %d, %v", p.Code, exit, err)
	}
	for _, want := range []string{p.Name, "code " + p.Code, "batch sheet", "packaging: " + p.Packaging.Shape} {
		if !strings.Contains(out, want) {
			t.Errorf("decode lacks %q:\n%s", want, out)
		}
	}
	// One symbol changed: mistyped, exit 1.
	typo := []byte(p.Code)
	typo[2] ^= 1
	if _, exit, err := runCatalog(t, "catalog", "decode", string(typo)); exit != 1 || !errors.Is(err, catalog.ErrMistyped) {
		t.Errorf("decode of %s: exit %d, %v", typo, exit, err)
	}
}
