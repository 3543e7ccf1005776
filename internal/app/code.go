package app

// The TOTP read path of `code` (compat §10.1): usage → sneaky → file
// exists → decrypt → first otpauth line → parse → compute. HOTP entries are
// handed to runHOTP (the write path), which locks and decrypts again.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/passotp/passotp/otp"
	"github.com/passotp/passotp/passstore"
)

// trimSlash strips exactly one trailing slash (compat §7).
func trimSlash(name string) string {
	return strings.TrimSuffix(name, "/")
}

// readKey decrypts the entry name and picks its OTP data: the first
// otpauth:// line, else gopass's keys, or what --line/--label select.
// With short set (uri) a missing entry is `Passfile not found`. The
// decrypted entry is returned for callers that need more than the key.
func (a *App) readKey(ctx context.Context, name string, short bool) (*otp.Key, error) {
	if err := passstore.CheckName(name); err != nil {
		return nil, err
	}
	inner := a.in(name) // gopass mounts (stores.go)
	entry, err := a.Store.Read(ctx, inner, a.Crypto)
	if err != nil {
		switch {
		case errors.Is(err, passstore.ErrNotFound):
			return nil, &notFoundError{name: name, short: short}
		case errors.Is(err, passstore.ErrSneaky):
			return nil, err
		}
		return nil, &decryptError{err: err, name: name}
	}
	defer clear(entry)
	m, err := a.lookupKey(entry, name) // --line/--label, gopass keys (selector.go)
	if err != nil {
		return nil, err
	}
	return m.Key, nil
}

// runCode is `code NAME`.
func (a *App) runCode(ctx context.Context, o CodeOptions, name string) error {
	name = trimSlash(name)
	key, err := a.readKey(ctx, name, false)
	if err != nil {
		return err
	}
	// A clipboard that cannot work must not spend a HOTP counter, nor a
	// --fresh time step (compat §10.1); but a code that cannot be made is
	// reported first, as pass-otp computes before it copies (§7).
	if o.Clip && !o.JSON {
		var err error
		if key.Type == "hotp" {
			_, err = key.HOTP(0)
		} else {
			_, err = key.TOTP(a.Now())
		}
		if err != nil {
			return &codeError{name: name, err: err}
		}
		if err := a.clipboardUsable(); err != nil {
			return err
		}
	}
	if key.Type == "hotp" {
		return a.runHOTP(ctx, name, o)
	}
	code, err := a.totp(ctx, key, name, o)
	if err != nil {
		return err
	}
	if o.JSON {
		return a.printJSON(name, code)
	}
	if o.Clip {
		if err := a.copyToClipboard(ctx, code.Value); err != nil {
			return err
		}
		fmt.Fprintf(a.Stdout, "Copied OTP code for %s to clipboard. Will clear in %s seconds.\n", name, a.clipTime())
		return nil
	}
	// One write, without fmt's printer state (the hot path, issue 3).
	_, err = io.WriteString(a.Stdout, code.Value+"\n")
	return err
}
