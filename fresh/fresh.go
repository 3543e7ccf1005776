// Package fresh owns automation-grade TOTP codes (issue 7): it never hands
// out the same time step twice for one entry, and it can refuse a code
// that is about to expire, waiting for the next step instead.
//
// # State
//
// For each store and entry, [Guard] records the last TOTP time step it
// handed out in a small file under the directory it is given (cmd passes
// $XDG_STATE_HOME/passotp, default ~/.local/state/passotp). The file name
// is an HMAC-SHA256 of the store and entry name under a random per-user key
// kept in the same directory (file "key"), so neither names nor guessable
// hashes of names appear on disk. Files are 0600, the directory 0700. A
// state file holds only a step number, the period and the time it was
// written; never a secret, code or name.
//
// Concurrent callers are serialised with flock(2) on the state file: each
// reserves the step after the last one recorded and releases the lock
// before waiting, so N concurrent processes get N consecutive steps.
//
// Missing, unreadable, corrupt or future state (written after "now", for
// another period, or implausibly far ahead) counts as empty; a state
// directory that cannot be used is reported through [Options.Warn] and
// the code is still computed. Guard never fails because of its state.
//
// # What it refuses
//
// It never prints or reads the environment; the caller announces waits
// (only on a terminal) through [Options.Wait]. It does not handle HOTP:
// counters are already single-use.
package fresh

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/passotp/passotp/otp"
)

// MaxAhead bounds how many steps beyond the time it was written a recorded
// step may lie (one per concurrent waiter); beyond that the state is
// treated as corrupt.
const MaxAhead = 64

// ClockSlew is how many seconds a record may be "written" after now
// before it counts as state from the future.
const ClockSlew = 2

// Options configure [Guard]. A zero field means the documented default.
type Options struct {
	// Dir is the state directory, created 0700 if needed. "" disables the
	// fresh-step state (MinRemaining still applies).
	Dir string
	// Store identifies the store (e.g. its directory) and Name the entry.
	Store, Name string
	// Fresh: never hand out a step already handed out for this entry
	// (--fresh, PASSOTP_FRESH=1).
	Fresh bool
	// MinRemaining: if fewer seconds than this remain in the step, use the
	// next one (--min-remaining). 0 disables it; values above the period
	// count as the period.
	MinRemaining int
	// Now returns the current time; default time.Now.
	Now func() time.Time
	// Sleep waits for d or until ctx is done; default a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// Wait, if set, is called before each wait (cmd announces it on a
	// terminal).
	Wait func(d time.Duration)
	// Warn, if set, receives problems with the state that were tolerated.
	Warn func(error)
	// Rand is the source of the per-user key; default crypto/rand.
	Rand io.Reader
}

// Guard returns the TOTP code of key for now, or for a later step when
// opts ask for it: with Fresh, the step after the last one handed out for
// this store and entry if the current one was already used; with
// MinRemaining, the next step when fewer seconds remain. It waits (through
// opts.Sleep) until the chosen step has begun, and reports whether it
// waited. Code.Remaining is counted from the time the code is returned.
// Errors are the key's code errors or ctx's.
func Guard(ctx context.Context, key *otp.Key, opts Options) (otp.Code, bool, error) {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	sleep := opts.Sleep
	if sleep == nil {
		sleep = sleepCtx
	}
	t0 := now()
	first, err := key.TOTP(t0)
	if err != nil {
		return otp.Code{}, false, err
	}
	period := uint64(first.Period)
	minRem := uint64(min(max(opts.MinRemaining, 0), first.Period))
	if !opts.Fresh && !short(t0, period, minRem) {
		return first, false, nil
	}
	var st *state
	if opts.Fresh && opts.Dir != "" {
		st, err = openState(opts)
		if err != nil {
			warn(opts, err)
		}
	}
	// base is the step wanted at time t without state.
	base := func(t time.Time) (step uint64) {
		cur, _ := stepAt(t, period)
		if short(t, period, minRem) {
			return cur + 1
		}
		return cur
	}
	waited := false
	for {
		var t time.Time
		var target uint64
		if st != nil {
			// The time is read under the lock, so records are ordered.
			t, target, err = st.reserve(now, period, base)
			if err != nil {
				warn(opts, err)
			}
		} else {
			t = now()
			target = base(t)
		}
		cur, rem := stepAt(t, period)
		for cur < target {
			d := time.Unix(int64(target*period), 0).Sub(t)
			if opts.Wait != nil {
				opts.Wait(d)
			}
			if err := sleep(ctx, d); err != nil {
				return otp.Code{}, waited, err
			}
			waited = true
			t = now()
			cur, rem = stepAt(t, period)
		}
		if cur > target {
			continue // overslept: the reserved step is over; reserve again
		}
		c, err := key.TOTPStep(target)
		if err != nil {
			return otp.Code{}, waited, err
		}
		c.Remaining = int(rem)
		return c, waited, nil
	}
}

func stepAt(t time.Time, period uint64) (step, remaining uint64) {
	u := t.Unix()
	if u < 0 {
		u = 0
	}
	return uint64(u) / period, period - uint64(u)%period
}

// short reports whether fewer than minRem seconds remain at t in its
// step, counting the fraction of the current second: at 25.5 s of a 30 s
// step only 4.5 s remain, which is fewer than 5, although the whole
// seconds left (30-25) are 5.
func short(t time.Time, period, minRem uint64) bool {
	_, rem := stepAt(t, period)
	return rem < minRem || rem == minRem && t.Unix() >= 0 && t.Nanosecond() > 0
}

func warn(o Options, err error) {
	if o.Warn != nil && err != nil {
		o.Warn(err)
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// state is one entry's state file.
type state struct {
	path string
}

// ErrState is wrapped by every tolerated state problem passed to Warn.
var ErrState = errors.New("fresh-code state")

func openState(o Options) (*state, error) {
	if err := os.MkdirAll(o.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrState, err)
	}
	k, err := userKey(o)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrState, err)
	}
	return &state{path: filepath.Join(o.Dir, fileName(k, o.Store, o.Name))}, nil
}

// fileName is the state file for store and name: HMAC-SHA256 under the
// per-user key, hex, so names cannot be confirmed by hashing guesses.
func fileName(key []byte, store, name string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(strconv.Itoa(len(store)) + ":" + store + "\x00" + name))
	return "step-" + hex.EncodeToString(m.Sum(nil)[:16])
}

// userKey reads the 32-byte key file, creating it when missing. A new key
// is written to a temporary file and linked into place, so concurrent
// first uses agree on one key and never read a partial file; a corrupt key
// is replaced (older state files are then ignored).
func userKey(o Options) ([]byte, error) {
	p := filepath.Join(o.Dir, "key")
	for range 3 {
		b, err := os.ReadFile(p)
		if err == nil && len(b) == 32 {
			return b, nil
		}
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
		tmp, werr := writeKey(o)
		if werr != nil {
			return nil, werr
		}
		if err == nil {
			werr = os.Rename(tmp, p) // corrupt: replace
		} else if werr = os.Link(tmp, p); errors.Is(werr, os.ErrExist) {
			werr = nil // another process was first: use its key
		}
		os.Remove(tmp)
		if werr != nil {
			return nil, werr
		}
	}
	return nil, errors.New("cannot establish the state key")
}

// writeKey writes a new random key to a temporary 0600 file in o.Dir.
func writeKey(o Options) (string, error) {
	r := o.Rand
	if r == nil {
		r = rand.Reader
	}
	k := make([]byte, 32)
	if _, err := io.ReadFull(r, k); err != nil {
		return "", err
	}
	f, err := os.CreateTemp(o.Dir, ".key-*")
	if err != nil {
		return "", err
	}
	_, err = f.Write(k)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// reserve locks the state file, reads the time, picks max(base(t),
// last+1) when the recorded step is valid, records it and unlocks. On a
// file problem it returns base(t) with the error (tolerated by the caller).
func (s *state) reserve(now func() time.Time, period uint64, base func(time.Time) uint64) (time.Time, uint64, error) {
	f, err := os.OpenFile(s.path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t := now()
		return t, base(t), fmt.Errorf("%w: %v", ErrState, err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		t := now()
		return t, base(t), fmt.Errorf("%w: lock: %v", ErrState, err)
	}
	defer syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	t := now()
	target := base(t)
	b, err := io.ReadAll(io.LimitReader(f, 256))
	if err != nil {
		return t, target, fmt.Errorf("%w: %v", ErrState, err)
	}
	if last, ok := parseState(b, t, period); ok && last+1 > target {
		target = last + 1
	}
	rec := fmt.Sprintf("passotp-fresh 1 step=%d period=%d written=%d\n", target, period, t.Unix())
	if err := f.Truncate(0); err != nil {
		return t, target, fmt.Errorf("%w: %v", ErrState, err)
	}
	if _, err := f.WriteAt([]byte(rec), 0); err != nil {
		return t, target, fmt.Errorf("%w: %v", ErrState, err)
	}
	return t, target, nil
}

// parseState reads a state record; ok is false for anything that is not a
// plausible record for this period at this time.
func parseState(b []byte, now time.Time, period uint64) (last uint64, ok bool) {
	f := strings.Fields(string(b))
	if len(f) != 5 || f[0] != "passotp-fresh" || f[1] != "1" {
		return 0, false
	}
	val := func(s, name string) (uint64, bool) {
		v, found := strings.CutPrefix(s, name+"=")
		if !found {
			return 0, false
		}
		n, err := strconv.ParseUint(v, 10, 64)
		return n, err == nil
	}
	step, ok1 := val(f[2], "step")
	p, ok2 := val(f[3], "period")
	written, ok3 := val(f[4], "written")
	// A record written after now (beyond a little clock slew) is from the
	// future: the clock went back, or the file is corrupt.
	if !ok1 || !ok2 || !ok3 || p != period || now.Unix() < 0 || written > uint64(now.Unix())+ClockSlew {
		return 0, false
	}
	if step > written/period+MaxAhead {
		return 0, false
	}
	return step, true
}
