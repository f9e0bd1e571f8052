package main

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"atelier/catalog"
)

// reloadOnHangup reloads the catalog file at path (the -catalog FILE) each time the process
// receives SIGHUP, until ctx ends. A file that cannot be read or does not load (a problem in
// it, a version reused with other content, a version the database pinned otherwise) is
// logged with every problem, and the registry keeps serving the last good catalog. Without
// -catalog the store serves the embedded catalog, which only a new binary changes. The quiz
// is not reloaded: responses are pinned to the quiz version loaded at start, so a changed
// quiz takes a restart.
func reloadOnHangup(ctx context.Context, reg *catalog.Registry, path string, log *slog.Logger) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	reloadOn(ctx, hup, reg, path, log, nil)
}

// reloadOn reloads on each value from sigs until ctx ends, sending each reload's result to
// done when it is not nil (for tests, which send on sigs rather than signal the process).
func reloadOn(ctx context.Context, sigs <-chan os.Signal, reg *catalog.Registry, path string, log *slog.Logger, done chan<- error) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-sigs:
			err := reloadCatalog(reg, path, log)
			if done != nil {
				done <- err
			}
		}
	}
}

// reloadCatalog reads path and makes it the current catalog, or logs why not and keeps the
// current one.
func reloadCatalog(reg *catalog.Registry, path string, log *slog.Logger) error {
	before := reg.Current().Version()
	if path == "" {
		log.Info("catalog reload: no -catalog file, the embedded catalog stays", "version", before)
		return nil
	}
	b, err := os.ReadFile(path)
	if err == nil {
		err = reg.Reload(b)
	}
	if err != nil {
		log.Error("catalog reload failed: still serving the last good catalog",
			"path", path, "version", before, slog.Any("error", err))
		return err
	}
	cur := reg.Current()
	log.Info("catalog reloaded", "path", path, "version", cur.Version(), "previous_version", before, "hash", cur.Hash())
	return nil
}
