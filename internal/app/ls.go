package app

// `passotp ls [--codes] [subfolder]` (pass-otp #34, issue 6): list the
// entries that hold OTP data, decrypting in parallel with a bounded pool of
// workers (native decryption makes this cheap; pass would start one gpg per
// entry).
//
// Output, sorted by name, on stdout:
//
//	NAME                     without --codes
//	NAME<TAB>CODE<TAB>Ns     with --codes, TOTP: the code and its seconds left
//	NAME<TAB>hotp            with --codes, HOTP: no code, the counter is left alone
//
// Entries without OTP data are skipped. An entry that cannot be decrypted
// or whose code cannot be computed gets its usual message on stderr; the
// others are still listed, and the exit status is then 1. ls never writes.

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/passotp/passotp/otp"
	"github.com/passotp/passotp/passstore"
)

// lsOptions are the options of ls.
type lsOptions struct {
	Codes bool
}

// lsItem is one entry of the listing.
type lsItem struct {
	name  string // as the user would type it
	inner string // inside its store
	store *passstore.Store
	cr    Crypto

	ok   bool   // holds OTP data
	line string // output line (without newline)
	err  error  // message for stderr
}

// lsWorkers bounds the decryptions in flight.
func lsWorkers(n int) int {
	w := 2 * runtime.GOMAXPROCS(0)
	if w < 4 {
		w = 4
	}
	if w > n {
		w = n
	}
	return w
}

// runLs is `ls [--codes] [subfolder]`.
func (a *App) runLs(ctx context.Context, o lsOptions, sub string) error {
	sub = strings.Trim(sub, "/")
	if sub != "" {
		if err := passstore.CheckName(sub); err != nil {
			return err
		}
	}
	stores, cryptos, err := a.listStores()
	if err != nil {
		return err
	}
	var items []*lsItem
	for i, s := range stores {
		if _, err := os.Stat(s.Dir()); errors.Is(err, fs.ErrNotExist) {
			continue // nothing inserted yet (passage has no init)
		}
		names, err := s.List(ctx)
		if err != nil {
			return err
		}
		for _, n := range names {
			full := a.displayName(s, n)
			if sub != "" && full != sub && !strings.HasPrefix(full, sub+"/") {
				continue
			}
			if !a.ownsName(s, full) {
				continue
			}
			items = append(items, &lsItem{name: full, inner: n, store: s, cr: cryptos[i]})
		}
	}
	sort.Slice(items, func(i, j int) bool { return items[i].name < items[j].name })

	now := a.Now()
	work := make(chan *lsItem)
	var wg sync.WaitGroup
	for w := lsWorkers(len(items)); w > 0; w-- {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for it := range work {
				a.lsOne(ctx, it, o, now)
			}
		}()
	}
	for _, it := range items {
		work <- it
	}
	close(work)
	wg.Wait()

	failed := false
	var out strings.Builder
	said := map[string]bool{} // back-end lines already printed (one bad keyring, many entries)
	for _, it := range items {
		if it.err != nil {
			failed = true
			msg := userMessage(it.err)
			if i := strings.LastIndexByte(msg, '\n'); i >= 0 {
				head := msg[:i]
				if said[head] {
					msg = msg[i+1:]
				}
				said[head] = true
			}
			if msg != "" {
				fmt.Fprintln(a.Stderr, msg)
			}
			continue
		}
		if it.ok {
			out.WriteString(it.line + "\n")
		}
	}
	if _, err := fmt.Fprint(a.Stdout, out.String()); err != nil {
		return err
	}
	if failed {
		return errSilent
	}
	return nil
}

// lsOne decrypts one entry and fills in its line or error.
func (a *App) lsOne(ctx context.Context, it *lsItem, o lsOptions, now time.Time) {
	entry, err := it.store.Read(ctx, it.inner, it.cr)
	if err != nil {
		if errors.Is(err, passstore.ErrNotFound) {
			return // removed meanwhile
		}
		it.err = &lsDecryptError{name: it.name, err: err}
		return
	}
	defer clear(entry)
	key, found, err := entryKey(entry)
	if !found {
		return
	}
	it.ok = true
	if !o.Codes {
		it.line = it.name
		return
	}
	if err != nil {
		it.err = err
		return
	}
	if key.Type == "hotp" {
		it.line = it.name + "\thotp"
		return
	}
	code, err := key.TOTP(now)
	if err != nil {
		it.err = &codeError{name: it.name, err: err}
		return
	}
	it.line = fmt.Sprintf("%s\t%s\t%ds", it.name, code.Value, code.Remaining)
}

// entryKey finds the OTP key of a decrypted entry as `code` does
// (otp.Lookup with the default selector: the first otpauth:// line, else
// gopass's otpauth:, totp: and hotp: keys). found reports whether OTP data
// is present even when it does not parse.
func entryKey(entry []byte) (key *otp.Key, found bool, err error) {
	m, err := otp.Lookup(entry, otp.Selector{})
	switch {
	case errors.Is(err, otp.ErrNotFound):
		return nil, false, nil
	case err != nil:
		return nil, true, err
	}
	return m.Key, true, nil
}

// lsDecryptError is an entry ls could not decrypt: the decryption message
// then `NAME: could not be decrypted.`
type lsDecryptError struct {
	name string
	err  error
}

func (e *lsDecryptError) Error() string { return "decrypt " + e.name + ": " + e.err.Error() }
func (e *lsDecryptError) Unwrap() error { return e.err }

// Message implements messager: the back end's own lines, then the name.
func (e *lsDecryptError) Message() string {
	msg, ok := ageMessage(e.err)
	if !ok {
		msg = userMessage(&decryptError{err: e.err})
	}
	if msg != "" {
		msg += "\n"
	}
	return msg + e.name + ": could not be decrypted."
}
