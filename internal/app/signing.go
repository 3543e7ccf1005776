package app

// PASSWORD_STORE_SIGNING_KEY (compat §2): before a write, the .gpg-id in
// use must carry a valid detached signature by one of the listed keys. As
// gpgio.md §10 decides, this runs gpg exactly as pass's verify_file does.

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"strings"
)

// sigError is a .gpg-id whose signature is missing or not by a
// PASSWORD_STORE_SIGNING_KEY key.
type sigError struct {
	path    string // the .gpg-id, as pass names it (PREFIX/…/.gpg-id)
	missing bool
}

func (e *sigError) Error() string {
	if e.missing {
		return "signature for " + e.path + " does not exist"
	}
	return "signature for " + e.path + " is invalid"
}

// Message is pass's text.
func (e *sigError) Message() string {
	if e.missing {
		return "Signature for " + e.path + " does not exist."
	}
	return "Signature for " + e.path + " is invalid."
}

// isFpr reports whether s is 40 upper-case hex digits (^[A-F0-9]{40}$).
func isFpr(s string) bool {
	if len(s) != 40 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !(s[i] >= '0' && s[i] <= '9' || s[i] >= 'A' && s[i] <= 'F') {
			return false
		}
	}
	return true
}

// validSig returns the two fingerprints pass's sed takes from a status
// line: `^\[GNUPG:\] VALIDSIG ([A-F0-9]{40}) .* ([A-F0-9]{40})$` (no
// regexp, so nothing is compiled at start-up).
func validSig(line string) (sig, primary string, ok bool) {
	rest, found := strings.CutPrefix(line, "[GNUPG:] VALIDSIG ")
	if !found || len(rest) < 40+1+1+40 {
		return "", "", false
	}
	sig, primary = rest[:40], rest[len(rest)-40:]
	if !isFpr(sig) || !isFpr(primary) || rest[40] != ' ' || rest[len(rest)-41] != ' ' {
		return "", "", false
	}
	return sig, primary, true
}

// verifyRecipientsFile is passstore's CheckRecipientsFile hook: pass's
// verify_file. Without PASSWORD_STORE_SIGNING_KEY it accepts everything.
func (a *App) verifyRecipientsFile(path string) error {
	keys := a.Getenv("PASSWORD_STORE_SIGNING_KEY")
	if keys == "" {
		return nil
	}
	if fi, err := os.Stat(path + ".sig"); err != nil || !fi.Mode().IsRegular() {
		return &sigError{path: path, missing: true}
	}
	// $GPG $PASSWORD_STORE_GPG_OPTS --verify --status-fd=1 FILE.sig FILE 2>/dev/null
	prog, err := a.lookPath("gpg2") // clip.go: PATH of the given environment
	if err != nil {
		prog = "gpg" // not found: no VALIDSIG below, "is invalid", as pass
		if p, err := a.lookPath("gpg"); err == nil {
			prog = p
		}
	}
	args := append(strings.Fields(a.Getenv("PASSWORD_STORE_GPG_OPTS")), "--verify", "--status-fd=1", path+".sig", path)
	cmd := exec.Command(prog, args...)
	cmd.Env = a.ChildEnv()
	out, _ := cmd.Output() // a failed verification prints no VALIDSIG
	var fprs []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if sig, primary, ok := validSig(sc.Text()); ok {
			fprs = append(fprs, sig, primary)
		}
	}
	joined := strings.Join(fprs, "\n")
	for _, k := range strings.Fields(keys) {
		if isFpr(k) && strings.Contains(joined, k) {
			return nil
		}
	}
	return &sigError{path: path}
}
