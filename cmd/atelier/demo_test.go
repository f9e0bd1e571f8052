package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"atelier/app/account"
	"atelier/app/database"
	"atelier/app/loyalty"
	"atelier/app/loyalty/demo"
	"atelier/app/staff"
)

func TestDemoSeedCommand(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "demo.db")
	var out bytes.Buffer
	args := []string{"-database", db, "demo", "seed", "--customers", "30", "--seed", "5"}
	if err := run(context.Background(), args, env(nil), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "seeded 30 customers") || !strings.Contains(out.String(), "scored 30 customers") {
		t.Errorf("output:\n%s", out.String())
	}
	if err := run(context.Background(), args, env(nil), io.Discard, io.Discard); !errors.Is(err, demo.ErrAlreadySeeded) {
		t.Errorf("second seed: %v, want ErrAlreadySeeded", err)
	}
	for _, bad := range [][]string{{"demo"}, {"demo", "grow"}, {"demo", "seed", "--customers", "0"}, {"demo", "seed", "--customers", "x"}} {
		var ue *usageError
		if err := run(context.Background(), append([]string{"-database", db}, bad...), env(nil), io.Discard, io.Discard); !errors.As(err, &ue) {
			t.Errorf("%v: %v, want a usage error", bad, err)
		}
	}
}

func TestLoadDemoOnce(t *testing.T) {
	c, _, err := parseConfig("atelier", []string{"-database", "sqlite:" + filepath.Join(t.TempDir(), "first.db")}, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	db, err := open(ctx, c, log)
	if err != nil {
		t.Fatal(err)
	}
	defer database.Close(db)
	for range 2 {
		if err := loadDemoOnce(ctx, c, db, log); err != nil {
			t.Fatal(err)
		}
	}
	var n, scored int64
	db.Model(&account.Customer{}).Count(&n)
	db.Model(&loyalty.CustomerScore{}).Count(&scored)
	if n != demoCustomers || scored != demoCustomers {
		t.Errorf("%d customers, %d scored; want %d once", n, scored, demoCustomers)
	}
	if strings.Count(logs.String(), "demo admin created") != 1 || !strings.Contains(logs.String(), "owner@demo.atelier") {
		t.Errorf("demo admin not logged once:\n%s", logs.String())
	}
	if owner, err := staff.NewAccounts(db, nil).ByEmail(ctx, "owner@demo.atelier"); err != nil || !owner.MustChangePassword {
		t.Errorf("the demo owner's logged password is not one-time: %+v, %v", owner, err)
	}
}
