package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"atelier/app/database"
	"atelier/app/staff"
	"atelier/fulfillment"
)

// staffCmd runs "atelier staff add --email E --role R [--name N] [--password-stdin]" and
// "atelier staff token --email E". The secret (password or token) goes alone on stdout, so
// scripts can capture it; what happened is said on stderr.
func staffCmd(ctx context.Context, c config, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usagef("staff: want add or token")
	}
	fs := flag.NewFlagSet("atelier staff "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	email := fs.String("email", "", "the staff member's email")
	var role, name *string
	var fromStdin *bool
	switch args[0] {
	case "add":
		role = fs.String("role", "", "fulfillment, care or admin")
		name = fs.String("name", "", "the name the console shows")
		fromStdin = fs.Bool("password-stdin", false, "read the password from the first line of stdin instead of generating one")
	case "token":
	default:
		return usagef("staff: unknown subcommand %q; want add or token", args[0])
	}
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usagef("%v", err)
	}
	if *email == "" || fs.NArg() > 0 {
		return usagef("staff %s: want --email E%s", args[0], map[bool]string{true: " --role R", false: ""}[args[0] == "add"])
	}
	db, err := open(ctx, c, newLogger(c, stderr))
	if err != nil {
		return err
	}
	defer database.Close(db)
	accounts := staff.NewAccounts(db, nil)
	if args[0] == "token" {
		return staffToken(ctx, accounts, *email, stdout, stderr)
	}
	in := staff.NewMember{Email: *email, Name: *name, Role: *role}
	if *fromStdin {
		line, err := bufio.NewReader(io.LimitReader(stdin, staff.MaxPasswordLength+2)).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("read the password from stdin: %w", err)
		}
		if in.Password = strings.TrimRight(line, "\r\n"); in.Password == "" {
			return usagef("staff add --password-stdin: stdin holds no password")
		}
	}
	m, pw, err := accounts.Add(ctx, fulfillment.System, in)
	var ve *staff.ValidationError
	if errors.As(err, &ve) {
		return usagef("staff add: %s", strings.TrimPrefix(ve.Error(), "staff: "))
	}
	if err != nil {
		return err
	}
	if *fromStdin {
		fmt.Fprintf(stderr, "added %s (%s), staff id %d, with the password from stdin\n", m.Email, m.Role, m.ID)
		return nil
	}
	fmt.Fprintf(stderr, "added %s (%s), staff id %d; one-time password (shown once; the console asks for a new one at the first sign-in):\n", m.Email, m.Role, m.ID)
	fmt.Fprintln(stdout, pw)
	return nil
}

// staffToken issues a new API token for a member, revoking the old one, and prints it.
func staffToken(ctx context.Context, accounts *staff.Accounts, email string, stdout, stderr io.Writer) error {
	m, err := accounts.ByEmail(ctx, email)
	if errors.Is(err, staff.ErrNotFound) {
		return usagef("staff token: no staff member has the email %q", email)
	}
	if err != nil {
		return err
	}
	if m.Disabled {
		return usagef("staff token: %s is disabled", m.Email)
	}
	token, err := accounts.IssueToken(ctx, fulfillment.System, m.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "new API token for %s (%s); the previous one no longer works. Send it as Authorization: Bearer <token>:\n", m.Email, m.Role)
	fmt.Fprintln(stdout, token)
	return nil
}
