package app

// `--line N` / `--label L` (pass-otp #202, #209; issue 6): which of several
// OTPs in one entry code, uri and HOTP use. The default (no flag) stays the
// first otpauth:// line, else gopass's keys (otp.Lookup).

import (
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
