package app

// append (compat §7, §10.3, §13): add the URI as the last line of an
// existing entry, or replace every column-0 otpauth:// line after asking,
// keeping every other byte of the entry.

import (
	"bytes"
	"context"
	"errors"

	"github.com/passotp/passotp/otp"
	"github.com/passotp/passotp/passstore"
)

// hasOTPLine reports whether a line of entry starts with otpauth:// at
// column 0 (pass-otp's `[[ $line == otpauth://* ]]`).
func hasOTPLine(entry []byte) bool {
	const p = "otpauth://"
	return bytes.HasPrefix(entry, []byte(p)) || bytes.Contains(entry, []byte("\n"+p))
}

// readEntry decrypts the entry name for a write: a missing file is
// `Passfile not found`, a failed decryption aborts with gpg's lines only.
func (a *App) readEntry(ctx context.Context, name string) ([]byte, error) {
	entry, err := a.storeRead(ctx, name) // routed: stores.go
	switch {
	case err == nil:
		return entry, nil
	case errors.Is(err, passstore.ErrNotFound):
		return nil, &notFoundError{name: name, short: true}
	case errors.Is(err, passstore.ErrSneaky):
		return nil, err
	}
	return nil, &decryptError{err: err}
}

// runAppend is `append [-f] [-e] [-s -i ISSUER -a ACCOUNT] NAME`; name has
// its trailing slash stripped.
func (a *App) runAppend(ctx context.Context, o AppendOptions, name string) error {
	if passstore.CheckName(name) != nil && !a.storeExists(name) {
		return &notFoundError{name: name, short: true}
	}
	entry, err := a.readEntry(ctx, name)
	if err != nil {
		return err
	}
	existing := hasOTPLine(entry)
	clear(entry)
	if existing {
		// Asked even with -f (pass-otp quirk kept, compat §12).
		if err := a.yesno("An OTP secret already exists for " + name + ". Overwrite it?"); err != nil {
			return err
		}
	}
	if o.Secret && o.Issuer == "" && o.Account == "" {
		return errMissingIssuerAccount
	}
	key, err := a.readKeyInput(name, o.Echo, o.Secret, o.Issuer, o.Account)
	if err != nil {
		return err
	}

	unlock, err := a.lock(ctx, name)
	if err != nil {
		return err
	}
	defer unlock()
	// Decrypt again under the lock: a HOTP code may have moved the counter
	// while the user was typing.
	entry, err = a.readEntry(ctx, name)
	if err != nil {
		return err
	}
	out, replaced := otp.Append(entry, key.URI)
	clear(entry)
	subject := "Append OTP secret for " + name + "."
	if replaced {
		subject = "Replace OTP secret for " + name + "."
	}
	return a.writeEntry(ctx, name, out, subject, a.Stdout)
}
