package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"gorm.io/gorm"

	"atelier/app"
	"atelier/app/account"
	"atelier/app/loyalty"
	"atelier/catalog"
	"atelier/fulfillment"
	"atelier/questionnaire"
)

// domain holds the domain services the server and the subcommands share.
type domain struct {
	quiz        *questionnaire.Store
	quizCurrent *questionnaire.Quiz
	catalog     *catalog.Registry
	fulfillment *fulfillment.Service
}

// services builds the domain services over db: the quiz (embedded or -quiz FILE), the catalog
// registry (embedded history plus the current catalog, or -catalog FILE) and fulfillment.
func services(ctx context.Context, c config, db *gorm.DB, log *slog.Logger, baseURL string) (*domain, error) {
	now := func() time.Time { return time.Now().UTC() }
	quiz := questionnaire.Default()
	if c.QuizFile != "" {
		q, err := questionnaire.LoadFile(c.QuizFile)
		if err != nil {
			return nil, fmt.Errorf("quiz file %s: %w", c.QuizFile, err)
		}
		quiz = q
	}
	qs := questionnaire.NewStore(db, now)
	if err := qs.Register(ctx, quiz); err != nil {
		return nil, fmt.Errorf("register quiz version %s: %w", quiz.Version, err)
	}
	reg, err := loadCatalog(c.CatalogFile)
	if err != nil {
		return nil, err
	}
	// A version keeps its content for good, across restarts and instances: its codes must
	// keep naming the same products.
	if err := reg.Guard(app.CatalogPins(db, now)); err != nil {
		return nil, err
	}
	// A replenishment reminder becomes a staff call only where the customer's segment asks
	// for a personal touch (loyalty's strategies); otherwise the email does.
	opts := fulfillment.Options{Now: now, Log: log, BaseURL: baseURL, ReplenishmentCall: loyalty.PersonalTouch(db, nil)}
	// Replenishment emails carry signed, expiring reorder links (account.LinkSigner), keyed
	// from the session secret; without one (PostgreSQL and none configured) they stay plain.
	if secrets, err := sessionSecrets(c, log); err == nil {
		opts.ReorderURL = account.NewLinkSigner(secrets[0], now).ReorderURL(baseURL)
	}
	f := fulfillment.NewServiceWithOptions(db, opts)
	return &domain{quiz: qs, quizCurrent: quiz, catalog: reg, fulfillment: f}, nil
}

// loadCatalog returns the registry of the embedded catalogs, with path's catalog as the
// current one when path is set.
func loadCatalog(path string) (*catalog.Registry, error) {
	var override []byte
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("catalog file: %w", err)
		}
		override = b
	}
	reg, err := catalog.NewDefaultRegistry(override)
	if err != nil {
		return nil, fmt.Errorf("catalog %s: %w", path, err)
	}
	return reg, nil
}
