package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"atelier/app/database"
	"atelier/app/loyalty"
	"atelier/fulfillment"
)

// workerCmd runs "atelier worker": the follow-up scheduler, the email outbox and the nightly
// loyalty rescoring on an interval until SIGINT/SIGTERM. Any number may run beside the servers
// on one database (the loyalty strategies' dedupe keys keep their tasks and email once-only).
func workerCmd(ctx context.Context, c config, log *slog.Logger) error {
	db, err := open(ctx, c, log)
	if err != nil {
		return err
	}
	defer database.Close(db)
	base := c.BaseURL
	if base == "" {
		_, port, _ := net.SplitHostPort(c.Addr)
		base = "http://localhost:" + port
	}
	svc, err := services(ctx, c, db, log, base)
	if err != nil {
		return err
	}
	every := c.WorkerInterval
	if every == 0 {
		every = defaultWorkerInterval
	}
	w := &fulfillment.Worker{Service: svc.fulfillment, Mailer: mailerFor(c, log), Interval: every, Log: log}
	log.Info("worker running", "interval", every.String(), "database", database.Redacted(c.DatabaseURL), "email", mailDescription(c))
	ls := loyalty.NewService(db, svc.fulfillment, svc.quiz, loyalty.Options{Log: log, QuizVersion: svc.quizCurrent.Version})
	lctx, stop := context.WithCancel(ctx)
	nightly := make(chan error, 1)
	go func() { nightly <- ls.RunNightly(lctx, every) }() // rescore everyone when due
	err = w.Run(ctx)
	stop()
	if lerr := <-nightly; lerr != nil && !errors.Is(lerr, context.Canceled) {
		log.Error("loyalty job stopped", slog.Any("error", lerr))
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	log.Info("worker stopped")
	return nil
}

// defaultWorkerInterval is used by "atelier worker" when -worker-interval is 0 (which turns
// off only the server's in-process worker).
const defaultWorkerInterval = 30 * time.Second

// mailerFor returns the SMTP mailer of -smtp-url, or nil (the outbox then logs each email as
// "logged", visible in the staff console's outbox). The URL was checked by parseConfig.
func mailerFor(c config, log *slog.Logger) fulfillment.Mailer {
	if c.SMTPURL == "" {
		return nil
	}
	m, err := parseSMTPURL(c.SMTPURL)
	if err != nil { // parseConfig refuses bad URLs; keep going with logged email if one slips by
		log.Error("smtp url", slog.Any("error", err))
		return nil
	}
	return m
}

func mailDescription(c config) string {
	if c.SMTPURL == "" {
		return "logged (no -smtp-url)"
	}
	m, _ := parseSMTPURL(c.SMTPURL)
	return fmt.Sprintf("smtp %s:%d from %s", m.Host, m.Port, m.From)
}

// parseSMTPURL reads smtp://user:pass@host:587?from=atelier@example.com.
func parseSMTPURL(s string) (fulfillment.SMTPMailer, error) {
	var m fulfillment.SMTPMailer
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "smtp" || u.Hostname() == "" {
		return m, fmt.Errorf("smtp-url: want smtp://[user:pass@]host[:port]?from=sender@example.com")
	}
	m.Host, m.Port = u.Hostname(), 587
	if p := u.Port(); p != "" {
		if m.Port, err = strconv.Atoi(p); err != nil || m.Port <= 0 || m.Port > 65535 {
			return m, fmt.Errorf("smtp-url: port %q is not a port number", p)
		}
	}
	if u.User != nil {
		m.Username = u.User.Username()
		m.Password, _ = u.User.Password()
	}
	m.From = strings.TrimSpace(u.Query().Get("from"))
	if _, msg := fulfillment.ValidateEmail(m.From); m.From == "" || msg != "" && !strings.Contains(m.From, "<") {
		return m, fmt.Errorf("smtp-url: add ?from=sender@example.com (the address customer email comes from)")
	}
	return m, nil
}
