package app

// `--line N` / `--label L` (pass-otp #202, #209; issue 6): which of several
// OTPs in one entry code, uri and HOTP use. The default (no flag) stays the
// first otpauth:// line, else gopass's keys (otp.Lookup).

import (
	"errors"
	"strconv"

	"github.com/passotp/passotp/otp"
)

// Flag names of the selection.
const (
	flagLine  = "line"
	flagLabel = "label"
)

// selector returns the OTP selection of this invocation.
func (a *App) selector() otp.Selector {
	return a.stores.sel
}

// setSelector records --line and --label; line is the flag's text ("" when
// not given).
func (a *App) setSelector(line, label string) error {
	var sel otp.Selector
	if line != "" {
		n, err := strconv.Atoi(line)
		if err != nil || n < 1 {
			return &badValueError{flag: flagLine, value: line}
		}
		sel.Line = n
	}
	sel.Label = label
	a.stores.sel = sel
	return nil
}

// lookupKey picks the OTP data of a decrypted entry for code, uri and
// HOTP: otp.Lookup with this invocation's selection, its errors mapped to
// pass-otp's words (name as the user gave it).
func (a *App) lookupKey(entry []byte, name string) (*otp.Match, error) {
	m, err := otp.Lookup(entry, a.selector())
	switch {
	case errors.Is(err, otp.ErrNotFound):
		return nil, &noSecretError{name: name}
	case errors.Is(err, otp.ErrAmbiguous):
		return nil, &ambiguousError{name: name, label: a.selector().Label, err: err}
	}
	return m, err
}

// ambiguousError is a --label that matches several OTPs of one entry.
type ambiguousError struct {
	name, label string
	err         error
}

func (e *ambiguousError) Error() string { return e.name + ": " + e.err.Error() }
func (e *ambiguousError) Unwrap() error { return e.err }

// Message implements messager.
func (e *ambiguousError) Message() string {
	return "Error: the label '" + e.label + "' matches several OTP secrets in " + e.name + "; choose one with --line."
}
