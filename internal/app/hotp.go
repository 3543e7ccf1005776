package app

// HOTP `code` (compat §10.1, §11.1, §11.5): under the store lock, decrypt
// the entry again, compute HOTP(N+1), rewrite only the counter digits of the
// line that supplied the URI, re-encrypt, commit `Increment HOTP counter for
// NAME.`, and only then hand out the code.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/passotp/passotp/otp"
	"github.com/passotp/passotp/passstore"
)

// runHOTP is code for a hotp entry; name has its trailing slash stripped
// and a usable clipboard was checked when o.Clip is set.
func (a *App) runHOTP(ctx context.Context, name string, o CodeOptions) error {
	unlock, err := a.lock(ctx, name)
	if err != nil {
		return err
	}
	code, err := a.incrementHOTP(ctx, name)
	unlock()
	if err != nil {
		return err
	}
	if code.Type != "hotp" {
		// The entry was replaced by a TOTP key meanwhile.
		return a.runCode(ctx, o, name)
	}
	switch {
	case o.JSON:
		return a.printJSON(name, code)
	case o.Clip:
		if err := a.copyToClipboard(ctx, code.Value); err != nil {
			return err
		}
		_, err = fmt.Fprintf(a.Stdout, "Copied OTP code for %s to clipboard. Will clear in %s seconds.\n", name, a.clipTime())
		return err
	}
	_, err = fmt.Fprintln(a.Stdout, code.Value)
	return err
}

// incrementHOTP does the read–increment–write cycle; the caller holds the
// lock. A key that is no longer hotp gives a Code of another Type and
// writes nothing.
func (a *App) incrementHOTP(ctx context.Context, name string) (otp.Code, error) {
	entry, err := a.storeRead(ctx, name) // routed: stores.go
	switch {
	case errors.Is(err, passstore.ErrNotFound):
		return otp.Code{}, &notFoundError{name: name}
	case errors.Is(err, passstore.ErrSneaky):
		return otp.Code{}, err
	case err != nil:
		return otp.Code{}, &decryptError{err: err, name: name}
	}
	defer clear(entry)
	// The OTP data code uses (otp.Lookup: the first otpauth:// line, else
	// gopass's keys), chosen by --line/--label when given.
	m, err := a.lookupKey(entry, name)
	if err != nil {
		return otp.Code{}, err
	}
	key := m.Key
	if key.Type != "hotp" {
		return otp.Code{Type: key.Type}, nil
	}
	if m.Source != otp.SourceURI {
		// A gopass hotp: key counts with its counter: key, as gopass does
		// (clients.md §2.4), so both tools agree.
		value, out, err := m.NextHOTP(entry)
		if err != nil {
			return otp.Code{}, &codeError{name: name, err: err}
		}
		if err := a.writeEntry(ctx, name, out, "Increment HOTP counter for "+name+".", io.Discard); err != nil {
			return otp.Code{}, err
		}
		return otp.Code{Value: value, Type: "hotp", Digits: len(value)}, nil
	}
	start, end := m.Start, m.End
	line := string(entry[start:end])
	value, uri, err := key.NextHOTP()
	if err != nil {
		return otp.Code{}, &codeError{name: name, err: err}
	}
	next, err := strconv.ParseUint(key.Counter, 10, 64)
	if err == nil {
		next++
	}
	if key.URI != line {
		// The line holds ` or " (stored as %60 and %22 in key.URI): rewrite
		// the counter in the line itself so no other byte changes.
		if l, err := counterLine(line, key.Counter, next); err == nil {
			uri = l
		}
	}
	out := otp.ReplaceRange(entry, start, end, uri)
	if err := a.writeEntry(ctx, name, out, "Increment HOTP counter for "+name+".", io.Discard); err != nil {
		return otp.Code{}, err
	}
	return otp.Code{Value: value, Type: "hotp", Digits: len(value), Step: next}, nil
}

// counterLine rewrites the value of the last counter parameter of line
// (whose current value is old) to n, keeping every other byte.
func counterLine(line, old string, n uint64) (string, error) {
	q := strings.IndexByte(line, '?')
	if q < 0 {
		return "", errors.New("no query")
	}
	pos := -1
	i := q + 1
	for i <= len(line) {
		j := i
		for j < len(line) && line[j] != '&' {
			j++
		}
		piece := line[i:j]
		if v, ok := strings.CutPrefix(piece, "counter="); ok && v == old {
			pos = i + len("counter=") // the last one wins, as in Parse
		}
		i = j + 1
	}
	if pos < 0 {
		return "", errors.New("no counter")
	}
	return line[:pos] + strconv.FormatUint(n, 10) + line[pos+len(old):], nil
}
