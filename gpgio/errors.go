package gpgio

import (
	"errors"
	"fmt"
	"strings"
)

// Errors returned by [Client.Decrypt] and [Client.Encrypt]. Check them with
// errors.Is; they may be wrapped with context.
var (
	// ErrNoSecretKey means no key file and no agent holds a secret key
	// for any recipient of the message.
	ErrNoSecretKey = errors.New("no secret key")
	// ErrBadPassphrase means the agent rejected the passphrase.
	ErrBadPassphrase = errors.New("bad passphrase")
	// ErrCanceled means the user cancelled pinentry, or it timed out.
	ErrCanceled = errors.New("operation cancelled")
	// ErrNoPinentry means the key is locked and pinentry cannot ask:
	// there is no terminal and no display.
	ErrNoPinentry = errors.New("no pinentry: inappropriate ioctl for device")
	// ErrIntegrity means the MDC or AEAD tag did not verify, or the
	// message is malformed after its session key: the entry is damaged or
	// has been tampered with.
	ErrIntegrity = errors.New("message integrity check failed")
	// ErrNoAgent means gpg-agent (or keyboxd) could not be reached, even
	// after gpgconf --launch.
	ErrNoAgent = errors.New("gpg-agent not reachable")
	// ErrNoGPG means the gpg program was needed but is not installed.
	ErrNoGPG = errors.New("gpg not found")
)

// UnsupportedError reports something the native path does not handle
// (a cipher, packet, version, curve, key or configuration). In [Auto]
// mode it makes the client run gpg instead.
type UnsupportedError struct {
	Reason string // for example "cipher TWOFISH"
}

func (e *UnsupportedError) Error() string { return "unsupported: " + e.Reason }

// unsupported returns an *UnsupportedError with a formatted reason.
func unsupported(format string, args ...any) error {
	return &UnsupportedError{Reason: fmt.Sprintf(format, args...)}
}

// AgentError is an ERR reply from gpg-agent or keyboxd that has no
// sentinel of its own.
type AgentError struct {
	Source int    // error source: 4 = gpg-agent, 5 = pinentry, ...
	Code   int    // gpg-error code (the low 16 bits)
	Text   string // the text after the number
}

func (e *AgentError) Error() string {
	if e.Text == "" {
		return fmt.Sprintf("agent error %d (source %d)", e.Code, e.Source)
	}
	return fmt.Sprintf("agent error %d (source %d): %s", e.Code, e.Source, e.Text)
}

// GPGError reports a gpg run that failed. Stderr holds what gpg wrote
// (at most 64 KiB); callers print it verbatim, as pass lets gpg print it.
type GPGError struct {
	Args     []string // the whole command line, program first (never a secret)
	ExitCode int      // -1 if gpg did not exit normally
	Stderr   []byte
}

func (e *GPGError) Error() string {
	prog := "gpg"
	if len(e.Args) > 0 {
		prog = e.Args[0]
	}
	msg := fmt.Sprintf("%s failed with exit status %d", prog, e.ExitCode)
	if last := lastLine(e.Stderr); last != "" {
		msg += ": " + last
	}
	return msg
}

// lastLine returns the last non-empty line of b, trimmed.
func lastLine(b []byte) string {
	s := strings.TrimRight(string(b), "\r\n\t ")
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return strings.TrimSpace(s)
}
