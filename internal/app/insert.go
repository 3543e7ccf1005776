package app

// insert/add (compat §7, §8, §10.2): read the URI (or, with -s, a secret),
// parse it, choose the path, ask the [y/N] questions, then write the entry
// holding only the URI, under the store lock, and commit it.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/passotp/passotp/ageio"
	"github.com/passotp/passotp/gpgio"
	"github.com/passotp/passotp/otp"
	"github.com/passotp/passotp/passstore"
)

// lockTimeout is how long a write waits for the store lock (compat §11.5).
const lockTimeout = 30 * time.Second

// errMissingIssuerAccount is `-s` without -i and -a (compat §5.3).
var errMissingIssuerAccount = &plainError{"Missing one of either '--issuer' or '--account'"}

// plainError is an error whose text is exactly pass's message.
type plainError struct{ msg string }

func (e *plainError) Error() string   { return e.msg }
func (e *plainError) Message() string { return e.msg }

// encryptError is a failed encryption: gpg's own lines, then pass-otp's
// `OTP secret encryption aborted.` (compat §5.3). The old entry is intact.
type encryptError struct{ err error }

func (e *encryptError) Error() string { return "encrypt entry: " + e.err.Error() }
func (e *encryptError) Unwrap() error { return e.err }
func (e *encryptError) Message() string {
	msg := ""
	var ge *gpgio.GPGError
	var ae *ageio.AgeError
	switch {
	case errors.As(e.err, &ge):
		msg = strings.TrimRight(string(ge.Stderr), "\n")
	case errors.As(e.err, &ae): // age stores with ssh recipients
		msg = strings.TrimRight(string(ae.Stderr), "\n")
	case errors.Is(e.err, ageio.ErrNeedAgeBinary):
		msg = "Error: " + needAge(e.err)
	case errors.Is(e.err, passstore.ErrNoRecipients):
		msg = "gpg: no valid addressees"
	default:
		msg = "gpg: [stdin]: encryption failed: " + e.err.Error()
	}
	if msg != "" {
		msg += "\n"
	}
	return msg + "OTP secret encryption aborted."
}

// readKeyInput reads the URI, or with secret set the secret that becomes a
// URI (compat §8), for the prompt name p, and parses it.
func (a *App) readKeyInput(p string, echo, secret bool, issuer, account string) (*otp.Key, error) {
	var uri string
	if secret {
		s, err := a.readValue("secret", "secrets", p, echo)
		if err != nil {
			return nil, err
		}
		uri = otp.BuildURI(issuer, account, s)
	} else {
		s, err := a.readValue("otpauth:// URI", "URIs", p, echo)
		if err != nil {
			return nil, err
		}
		uri = s
	}
	return otp.Parse(uri)
}

// runInsert is `insert [-f] [-e] [-s -i ISSUER -a ACCOUNT] [-p PREFIX] [NAME]`.
func (a *App) runInsert(ctx context.Context, o InsertOptions, names []string) error {
	path, p := "", "this token"
	if len(names) == 1 {
		path = trimSlash(names[0])
		p = path
	}
	if o.Secret && o.Issuer == "" && o.Account == "" {
		return errMissingIssuerAccount
	}
	key, err := a.readKeyInput(p, o.Echo, o.Secret, o.Issuer, o.Account)
	if err != nil {
		return err
	}
	if path == "" {
		if o.Path != "" {
			path = strings.TrimSuffix(o.Path, "/") + "/"
		}
		path += key.Path()
		if err := a.yesno("Insert into " + path + "?"); err != nil {
			return err
		}
	}
	if !o.Force && a.pathExists(path) {
		if err := a.yesno("An entry already exists for " + path + ". Overwrite it?"); err != nil {
			return err
		}
	}
	if err := passstore.CheckName(path); err != nil {
		return err
	}
	unlock, err := a.lock(ctx, path)
	if err != nil {
		return err
	}
	defer unlock()
	return a.writeEntry(ctx, path, []byte(key.URI+"\n"), "Add OTP secret for "+path+" to store.", a.Stdout)
}

// pathExists is bash's `-e PREFIX/PATH.gpg`: anything at that path counts.
func (a *App) pathExists(path string) bool {
	_, err := os.Stat(a.storePath(path))
	return err == nil
}

// lock takes the store lock for a write of name (compat §11.5).
func (a *App) lock(ctx context.Context, name string) (func(), error) {
	unlock, err := a.storeLock(ctx, name, lockTimeout)
	if errors.Is(err, passstore.ErrLocked) {
		return nil, &lockedError{name: name}
	}
	if err != nil {
		return nil, fmt.Errorf("lock the store: %w", err)
	}
	return unlock, nil
}

// writeEntry encrypts and writes content as the entry name, prints pass's
// `mkdir: created directory` lines on mkdirOut, and commits with subject. A failing
// commit is reported on stderr and does not fail the command (compat §9).
// The caller holds the store lock.
func (a *App) writeEntry(ctx context.Context, name string, content []byte, subject string, mkdirOut io.Writer) error {
	defer clear(content)
	created, err := a.storeWrite(ctx, name, content) // routed: stores.go
	for _, d := range created {
		fmt.Fprintf(mkdirOut, "mkdir: created directory '%s'\n", d)
	}
	if err != nil {
		var ee *passstore.EncryptError
		if errors.As(err, &ee) {
			return &encryptError{err: ee.Err}
		}
		return err
	}
	a.commit(name, subject)
	return nil
}

// commit records name in git; failures are a diagnostic only.
func (a *App) commit(name, subject string) {
	if err := a.storeCommit(name, subject); err != nil {
		fmt.Fprintf(a.Stderr, "Error: the entry was written, but git could not record it: %s\n", err)
	}
}
