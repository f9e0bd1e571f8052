package main

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"atelier/catalog"
)

// TestReloadOnHangup drives the reload loop as SIGHUP would (a value on its channel) and
// checks that a good file becomes current, that a bad one is logged with its problem while
// the last good catalog keeps serving, and that a changed file reusing a version is refused.
func TestReloadOnHangup(t *testing.T) {
	path := filepath.Join(t.TempDir(), "catalog.yaml")
	write := func(s string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	v2 := string(catalog.DefaultYAML())
	write(v2)
	reg, err := loadCatalog(path)
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	ctx, cancel := context.WithCancel(context.Background())
	sigs, done := make(chan os.Signal), make(chan error)
	stopped := make(chan struct{})
	go func() {
		reloadOn(ctx, sigs, reg, path, log, done)
		close(stopped)
	}()
	hangup := func() error {
		sigs <- syscall.SIGHUP
		return <-done
	}

	v3 := strings.Replace(v2, "version: 2", "version: 3", 1)
	write(v3)
	if err := hangup(); err != nil || reg.Current().Version() != "3" {
		t.Fatalf("reload of version 3: %v, current %s", err, reg.Current().Version())
	}
	if !strings.Contains(logs.String(), "catalog reloaded") || !strings.Contains(logs.String(), "previous_version=2") {
		t.Errorf("log: %s", logs.String())
	}

	write(strings.Replace(v3, "actives.retinol, actives.bakuchiol", "actives.retinol, actives.bakuchiolx", 1))
	var de *catalog.DefinitionError
	if err := hangup(); !errors.As(err, &de) || reg.Current().Version() != "3" {
		t.Fatalf("reload of a broken file: %v, current %s", err, reg.Current().Version())
	}
	if !strings.Contains(logs.String(), "still serving the last good catalog") || !strings.Contains(logs.String(), "bakuchiolx") {
		t.Errorf("the problem is not logged: %s", logs.String())
	}

	write(strings.Replace(v3, "base_price: 2200", "base_price: 2300", 1))
	if err := hangup(); !errors.Is(err, catalog.ErrVersionReused) || reg.Current().Version() != "3" {
		t.Fatalf("reload of a changed version 3: %v", err)
	}

	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := hangup(); !errors.Is(err, os.ErrNotExist) || reg.Current().Version() != "3" {
		t.Fatalf("reload of a missing file: %v", err)
	}

	cancel()
	<-stopped
}

// TestReloadWithoutFile: with the embedded catalog there is nothing to reload.
func TestReloadWithoutFile(t *testing.T) {
	reg, err := loadCatalog("")
	if err != nil {
		t.Fatal(err)
	}
	cur := reg.Current()
	if err := reloadCatalog(reg, "", slog.New(slog.DiscardHandler)); err != nil || reg.Current() != cur {
		t.Fatalf("reload without a file: %v", err)
	}
}
