package app

// Fresh codes (issue 7): --fresh / PASSOTP_FRESH, --min-remaining /
// PASSOTP_MIN_REMAINING, and the fixed clock of --at / PASSOTP_TEST_NOW.
// The state and the waiting live in package fresh.

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/passotp/passotp/fresh"
	"github.com/passotp/passotp/otp"
)

// fixClock makes the clock stand at t. Waiting for a fresh code then
// advances it instead of sleeping, so `--at T --fresh` is deterministic.
func (a *App) fixClock(t time.Time) {
	var slept time.Duration
	a.Now = func() time.Time { return t.Add(slept) }
	a.sleep = func(ctx context.Context, d time.Duration) error {
		slept += d
		return ctx.Err()
	}
}

// parseBool reads PASSOTP_FRESH-style switches: "" is off.
func parseBool(v string) (b, ok bool) {
	switch strings.ToLower(v) {
	case "", "0", "false", "no", "off":
		return false, true
	case "1", "true", "yes", "on":
		return true, true
	}
	return false, false
}

// stateDir is $XDG_STATE_HOME/passotp, default ~/.local/state/passotp.
func (a *App) stateDir() string {
	if d := a.Getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "passotp")
	}
	if h := a.Getenv("HOME"); h != "" {
		return filepath.Join(h, ".local", "state", "passotp")
	}
	return ""
}

// stderrIsTerminal reports whether stderr is a terminal (waits and state
// warnings are announced only there).
func (a *App) stderrIsTerminal() bool {
	f, ok := a.Stderr.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// totp computes the TOTP code for now, or for a later step when the
// fresh-code options ask for it. Without them it is exactly pass-otp's
// code for now: no state is read or written.
func (a *App) totp(ctx context.Context, key *otp.Key, name string, o CodeOptions) (otp.Code, error) {
	if !o.Fresh && o.MinRemaining <= 0 {
		code, err := key.TOTP(a.Now())
		if err != nil {
			return otp.Code{}, &codeError{name: name, err: err}
		}
		return code, nil
	}
	// One state per store and entry however they are spelled: the store's
	// real path, and the name as it resolves under it (a//b is a/b).
	store := a.Prefix
	if real, err := filepath.EvalSymlinks(store); err == nil {
		store = real
	}
	if abs, err := filepath.Abs(store); err == nil {
		store = abs
	}
	opts := fresh.Options{
		Dir:          a.stateDir(),
		Store:        store,
		Name:         path.Clean("/" + name)[1:],
		Fresh:        o.Fresh,
		MinRemaining: o.MinRemaining,
		Now:          a.Now,
		Sleep:        a.sleep,
	}
	if a.stderrIsTerminal() {
		opts.Wait = func(d time.Duration) {
			fmt.Fprintf(a.Stderr, "Waiting %s for a fresh code for %s...\n", d.Round(time.Second), name)
		}
		opts.Warn = func(err error) {
			fmt.Fprintf(a.Stderr, "Warning: fresh-code state not used: %v\n", err)
		}
	}
	code, _, err := fresh.Guard(ctx, key, opts)
	if err != nil {
		if ctx.Err() != nil {
			return otp.Code{}, err
		}
		return otp.Code{}, &codeError{name: name, err: err}
	}
	return code, nil
}
