package main

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"atelier/app/database"
)

// sessionSecrets returns the configured secrets, or — for a SQLite store without any — the
// ones kept in a file beside the database, generating that file on first start, so a restart
// keeps people signed in. PostgreSQL (several instances) and production mode need the
// secrets configured.
func sessionSecrets(c config, log *slog.Logger) ([][]byte, error) {
	if len(c.SessionSecrets) > 0 {
		out := make([][]byte, len(c.SessionSecrets))
		for i, s := range c.SessionSecrets {
			out[i] = []byte(s)
		}
		return out, nil
	}
	if c.Production {
		return nil, usagef("production mode needs explicit session secrets: set ATELIER_SESSION_SECRETS (or -session-secrets), e.g. to $(openssl rand -base64 32)")
	}
	t, err := database.Parse(c.DatabaseURL)
	if err != nil {
		return nil, err
	}
	if t.Engine != "sqlite" {
		return nil, usagef("set ATELIER_SESSION_SECRETS (or -session-secrets): every instance sharing a PostgreSQL database must use the same session secrets")
	}
	path := t.Path + ".keys"
	b, err := os.ReadFile(path)
	if err == nil {
		var out [][]byte
		for _, line := range strings.Split(string(b), "\n") {
			if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
				out = append(out, []byte(line))
			}
		}
		if len(out) == 0 || len(out[0]) < 32 {
			return nil, fmt.Errorf("session key file %s holds no usable secret; delete it to generate a new one", path)
		}
		return out, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("read session key file: %w", err)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	secret := base64.RawURLEncoding.EncodeToString(raw)
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, err
		}
	}
	content := "# Atelier session secret, generated on first start. Keep it private; deleting it signs everyone out.\n" + secret + "\n"
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		return nil, fmt.Errorf("write session key file: %w", err)
	}
	log.Info("generated session secret", "file", path)
	return [][]byte{[]byte(secret)}, nil
}
