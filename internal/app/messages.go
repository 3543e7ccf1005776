package app

// userMessage is the one place where errors become pass's words
// (compat §5.3, style §4). Every other file returns errors.

import (
	"errors"
	"strings"

	"github.com/passotp/passotp/gpgio"
	"github.com/passotp/passotp/otp"
	"github.com/passotp/passotp/passstore"
)

// errSilent ends the command with exit 1 and no message: a "no" at a
// [y/N] prompt, or end of input at a hidden prompt (compat §5.2).
var errSilent = errors.New("silent failure")

// usageError is a wrong option or operand count: getopt's lines, then the
// command's usage line (compat §4.3, §4.4).
type usageError struct {
	errs  []string // getopt messages without the prefix
	prog  string   // G
	usage string   // the whole usage line
}

func (e *usageError) Error() string { return "usage: " + e.usage }

// notFoundError is a missing entry file: `NAME: passfile not found.` for
// code, `Passfile not found` for uri and append.
type notFoundError struct {
	name  string
	short bool // uri, append
}

func (e *notFoundError) Error() string { return "passfile not found: " + e.name }

// noSecretError is an entry without an otpauth:// line.
type noSecretError struct{ name string }

func (e *noSecretError) Error() string { return "no otpauth line in " + e.name }

// decryptError is a failed decryption; code and uri add
// `NAME: OTP secret not found.` after gpg's lines.
type decryptError struct {
	err  error
	name string // "" adds no line
}

func (e *decryptError) Error() string { return "decrypt: " + e.err.Error() }
func (e *decryptError) Unwrap() error { return e.err }

// codeError is a code that cannot be computed (compat §10.1): one reason
// line, then `NAME: failed to generate OTP code.`
type codeError struct {
	name string
	err  error // *otp.CodeError
}

func (e *codeError) Error() string { return "generate code for " + e.name + ": " + e.err.Error() }
func (e *codeError) Unwrap() error { return e.err }

// lockedError is the store lock not obtained in 30 s (compat §11.5).
type lockedError struct{ name string }

func (e *lockedError) Error() string { return e.name + ": " + passstore.ErrLocked.Error() }
func (e *lockedError) Unwrap() error { return passstore.ErrLocked }

// initError is a store without .gpg-id: pass's hint names PROG, and pass
// prints its usage on stdout after it ([App.report]).
type initError struct {
	prog string
	err  error
}

func (e *initError) Error() string { return e.err.Error() }
func (e *initError) Unwrap() error { return e.err }

// forwardError is `pass` with another subcommand and no real pass.
type forwardError struct{ sub string }

func (e *forwardError) Error() string { return "the real pass was not found in PATH" }

// badValueError is an option value of the wrong form (issue 7's numbers).
type badValueError struct{ flag, value string }

func (e *badValueError) Error() string { return "bad value for --" + e.flag }

// envError is an environment variable with a value passotp cannot use.
type envError struct{ name, value, want string }

func (e *envError) Error() string { return "bad value for " + e.name }

// messager is implemented by errors that carry their exact user-facing
// text (otp.URIError; the write path may add its own).
type messager interface{ Message() string }

// userMessage returns the text printed on stderr for err, without the
// final newline; "" prints nothing. It never contains a secret: the
// libraries' errors are already redacted.
func userMessage(err error) string {
	var (
		usage  *usageError
		nf     *notFoundError
		ns     *noSecretError
		de     *decryptError
		ce     *codeError
		locked *lockedError
		fw     *forwardError
		bv     *badValueError
		ev     *envError
		ee     *passstore.EscapeError
		ie     *initError
		m      messager
	)
	switch {
	case err == nil, errors.Is(err, errSilent):
		return ""
	case errors.As(err, &usage):
		var b strings.Builder
		for _, e := range usage.errs {
			b.WriteString(usage.prog + ": " + e + "\n")
		}
		return b.String() + usage.usage
	case errors.As(err, &nf):
		if nf.short {
			return "Passfile not found"
		}
		return nf.name + ": passfile not found."
	case errors.As(err, &ns):
		return ns.name + ": OTP secret not found."
	case errors.As(err, &de):
		msg, isAge := ageMessage(de.err) // age stores (stores.go)
		if !isAge {
			msg = gpgMessage(de.err)
		}
		if de.name != "" {
			if msg != "" {
				msg += "\n"
			}
			msg += de.name + ": OTP secret not found."
		}
		return msg
	case errors.As(err, &ce):
		var ue *otp.URIError
		if errors.As(ce.err, &ue) {
			// compat §10.1: the algorithm check is the reason line (§5.3).
			return ue.Message() + "\n" + ce.name + ": failed to generate OTP code."
		}
		return codeReason(ce.err) + "\n" + ce.name + ": failed to generate OTP code."
	case errors.As(err, &locked):
		return "Error: " + locked.name + " is locked by another passotp process."
	case errors.As(err, &fw):
		msg := "Error: the real pass was not found in PATH."
		if fw.sub != "" {
			msg += "\nhint: passotp implements only `pass otp`; `pass " + fw.sub + "` needs the real pass (install it, or set PASSOTP_PASS)"
		}
		return msg
	case errors.As(err, &bv):
		return "Error: --" + bv.flag + " wants a whole number, not '" + bv.value + "'."
	case errors.As(err, &ev):
		return "Error: " + ev.name + " must be " + ev.want + ", not '" + ev.value + "'."
	case errors.As(err, &m):
		return m.Message()
	case errors.Is(err, passstore.ErrSneaky):
		return "Error: You've attempted to pass a sneaky path to pass. Go home."
	case errors.As(err, &ie):
		return "Error: You must run:\n    " + ie.prog + " init your-gpg-id\nbefore you may use the password store.\n"
	case errors.Is(err, passstore.ErrNoGPGID):
		return "Error: You must run:\n    pass init your-gpg-id\nbefore you may use the password store.\n"
	case errors.As(err, &ee):
		return "Error: refusing to write through " + ee.Path + ": it is a symlink leading outside the store."
	}
	return "Error: " + err.Error()
}

// codeReason is the reason line before `failed to generate OTP code`
// (pass-otp showed oathtool's complaint there; ours names the parameter and
// never the secret).
func codeReason(err error) string {
	var ce *otp.CodeError
	if errors.As(err, &ce) {
		return "Error: invalid " + ce.Field + " in the OTP key URI: " + ce.Reason + "."
	}
	return "Error: " + err.Error()
}

// gpgMessage renders a decryption error as gpg would have printed it
// (gpgio.md §8.5): gpg's own stderr when gpg ran, else gpg's wording for
// the native error.
func gpgMessage(err error) string {
	var ge *gpgio.GPGError
	var ue *gpgio.UnsupportedError
	const noKey = "gpg: decryption failed: No secret key"
	switch {
	case errors.As(err, &ge):
		return strings.TrimRight(string(ge.Stderr), "\n")
	case errors.Is(err, gpgio.ErrNoSecretKey):
		return noKey
	case errors.Is(err, gpgio.ErrBadPassphrase):
		return "gpg: public key decryption failed: Bad passphrase\n" + noKey
	case errors.Is(err, gpgio.ErrCanceled):
		return "gpg: public key decryption failed: Operation cancelled\n" + noKey
	case errors.Is(err, gpgio.ErrNoPinentry):
		return "gpg: public key decryption failed: Inappropriate ioctl for device\n" + noKey +
			"\nhint: set GPG_TTY=$(tty) or unlock the key first"
	case errors.Is(err, gpgio.ErrIntegrity):
		return "gpg: WARNING: encrypted message has been manipulated!" // gpg 2.2 --quiet prints only this line
	case errors.Is(err, gpgio.ErrNoAgent):
		return "gpg: can't connect to the agent: IPC connect call failed\n" + noKey
	case errors.Is(err, gpgio.ErrNoGPG):
		return "Error: gpg is needed to decrypt this entry but was not found in PATH (" + err.Error() + ")."
	case errors.As(err, &ue):
		return "gpg: decryption failed: " + ue.Reason + "\nhint: PASSOTP_GPG=native refuses what only gpg can decrypt; unset it to let passotp run gpg"
	}
	return "gpg: decryption failed: " + err.Error()
}
