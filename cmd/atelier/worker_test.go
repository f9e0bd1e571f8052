package main

import (
	"bufio"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"atelier/app"
	"atelier/app/account"
	"atelier/app/database"
)

// TestWorkerRunsLoyaltyJob: "atelier worker" rescores customers when nobody was scored yet,
// as "serve" does, so a store whose servers run with -worker-interval 0 still gets its
// nightly segments and strategies.
func TestWorkerRunsLoyaltyJob(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	path := filepath.Join(t.TempDir(), "w.db")
	db, err := database.Open(ctx, "sqlite:"+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	if err := db.Create(&account.Customer{Email: "ana@example.com", Name: "Ana", CreatedAt: now, UpdatedAt: now}).Error; err != nil {
		t.Fatal(err)
	}
	if err := database.Close(db); err != nil {
		t.Fatal(err)
	}

	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-database", "sqlite:" + path, "-worker-interval", "1h", "worker"}, env(nil), pw, io.Discard)
		pw.Close()
	}()
	sc := bufio.NewScanner(pr)
	scored := false
	for sc.Scan() {
		if strings.Contains(sc.Text(), `msg="loyalty: recomputed"`) {
			scored = strings.Contains(sc.Text(), "customers=1")
			break
		}
	}
	go io.Copy(io.Discard, pr) //nolint:errcheck // keep the log pipe drained
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("worker: %v", err)
	}
	if !scored {
		t.Fatal("the worker did not rescore the store's one customer")
	}
}
