package fulfillment

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net"
	"net/smtp"
	"strconv"
	"strings"
	"time"
)

// Mailer sends one plain-text email.
type Mailer interface {
	Send(ctx context.Context, to, subject, body string) error
}

// LogOnly is implemented by mailers that only record messages; DeliverOutbox marks the
// messages they accept "logged" instead of "sent".
type LogOnly interface {
	LogOnly() bool
}

func isLogOnly(m Mailer) bool {
	l, ok := m.(LogOnly)
	return ok && l.LogOnly()
}

// LogMailer writes each email to the log instead of sending it (development and demo:
// the console shows logged messages from the outbox table).
type LogMailer struct {
	Log *slog.Logger
}

// Send logs the message and never fails.
func (m LogMailer) Send(_ context.Context, to, subject, body string) error {
	log := m.Log
	if log == nil {
		log = slog.Default()
	}
	log.Info("email (logged, not sent)", "to", to, "subject", subject, "body", body)
	return nil
}

// LogOnly reports true: messages are logged, not delivered.
func (LogMailer) LogOnly() bool { return true }

// SMTPMailer sends email through an SMTP server, with STARTTLS when offered and PLAIN
// authentication when a username is set (net/smtp refuses PLAIN auth without TLS except
// to localhost).
type SMTPMailer struct {
	Host     string
	Port     int // default 587
	Username string
	Password string
	From     string        // the envelope and header sender, e.g. "Atelier <hello@atelier.example>"
	Timeout  time.Duration // per message; default 30s
	// TLSConfig overrides the STARTTLS configuration (tests); default verifies Host.
	TLSConfig *tls.Config
}

// Send delivers one message; any failure before the server accepts the message is returned
// for the outbox to retry, and nothing after it is.
func (m SMTPMailer) Send(ctx context.Context, to, subject, body string) error {
	if strings.ContainsAny(to+subject+m.From, "\r\n") {
		return errors.New("smtp: header contains a line break")
	}
	from, err := parseFrom(m.From)
	if err != nil {
		return err
	}
	port := m.Port
	if port == 0 {
		port = 587
	}
	timeout := m.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	addr := net.JoinHostPort(m.Host, strconv.Itoa(port))
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("smtp dial %s: %w", addr, err)
	}
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	c, err := smtp.NewClient(conn, m.Host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("smtp hello: %w", err)
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok {
		cfg := m.TLSConfig
		if cfg == nil {
			cfg = &tls.Config{ServerName: m.Host, MinVersion: tls.VersionTLS12}
		}
		if err := c.StartTLS(cfg); err != nil {
			return fmt.Errorf("smtp starttls: %w", err)
		}
	}
	if m.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", m.Username, m.Password, m.Host)); err != nil {
			return fmt.Errorf("smtp auth: %w", err)
		}
	}
	if err := c.Mail(from); err != nil {
		return fmt.Errorf("smtp MAIL FROM: %w", err)
	}
	if err := c.Rcpt(to); err != nil {
		return fmt.Errorf("smtp RCPT TO: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("smtp DATA: %w", err)
	}
	if _, err := w.Write(buildMessage(m.From, to, subject, body, time.Now())); err != nil {
		return fmt.Errorf("smtp write: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("smtp end of data: %w", err)
	}
	// The server has accepted the message: from here on a failure must not make the outbox
	// send it again. A server that drops the connection instead of answering QUIT is common.
	_ = c.Quit()
	return nil
}

func parseFrom(from string) (string, error) {
	if i := strings.LastIndexByte(from, '<'); i >= 0 && strings.HasSuffix(from, ">") {
		from = from[i+1 : len(from)-1]
	}
	if addr, msg := ValidateEmail(from); msg == "" {
		return addr, nil
	}
	return "", fmt.Errorf("smtp: invalid From address %q", from)
}

// buildMessage renders headers and a CRLF body; the subject is RFC 2047 encoded when not ASCII.
func buildMessage(from, to, subject, body string, now time.Time) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\n", from, to, encodeHeader(subject), now.Format(time.RFC1123Z))
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	body = strings.ReplaceAll(body, "\r\n", "\n")
	b.WriteString(strings.ReplaceAll(body, "\n", "\r\n"))
	if !strings.HasSuffix(body, "\n") {
		b.WriteString("\r\n")
	}
	return []byte(b.String())
}

func encodeHeader(s string) string {
	for _, r := range s {
		if r > 126 {
			return mimeQ(s)
		}
	}
	return s
}

func mimeQ(s string) string { return mime.QEncoding.Encode("utf-8", s) }
