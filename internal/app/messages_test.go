package app

import (
	"errors"
	"fmt"
	"testing"

	"github.com/passotp/passotp/gpgio"
	"github.com/passotp/passotp/otp"
	"github.com/passotp/passotp/passstore"
)

func TestUserMessage(t *testing.T) {
	const noKey = "gpg: decryption failed: No secret key"
	_, uriErr := otp.Parse("otpauth://totp/?secret=JBSWY3DPEHPK3PXP")
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"nil", nil, ""},
		{"silent", fmt.Errorf("prompt: %w", errSilent), ""},
		{"usage", &usageError{errs: []string{"invalid option -- 'x'", "unrecognized option '--y'"}, prog: "pass", usage: "Usage: pass otp uri [--clip,-c | --qrcode,-q] pass-name"},
			"pass: invalid option -- 'x'\npass: unrecognized option '--y'\nUsage: pass otp uri [--clip,-c | --qrcode,-q] pass-name"},
		{"not found code", &notFoundError{name: "a/b"}, "a/b: passfile not found."},
		{"not found uri", &notFoundError{name: "a/b", short: true}, "Passfile not found"},
		{"no secret", &noSecretError{name: "plain"}, "plain: OTP secret not found."},
		{"gpg stderr verbatim", &decryptError{name: "n", err: fmt.Errorf("decrypt n: %w", &gpgio.GPGError{Stderr: []byte("gpg: line one\ngpg: line two\n")})},
			"gpg: line one\ngpg: line two\nn: OTP secret not found."},
		{"gpg printed nothing", &decryptError{name: "n", err: &gpgio.GPGError{}}, "n: OTP secret not found."},
		{"no secret key", &decryptError{name: "n", err: gpgio.ErrNoSecretKey}, noKey + "\nn: OTP secret not found."},
		{"no name line (append)", &decryptError{err: gpgio.ErrNoSecretKey}, noKey},
		{"bad passphrase", &decryptError{name: "n", err: gpgio.ErrBadPassphrase},
			"gpg: public key decryption failed: Bad passphrase\n" + noKey + "\nn: OTP secret not found."},
		{"cancelled", &decryptError{name: "n", err: gpgio.ErrCanceled},
			"gpg: public key decryption failed: Operation cancelled\n" + noKey + "\nn: OTP secret not found."},
		{"no pinentry", &decryptError{name: "n", err: gpgio.ErrNoPinentry},
			"gpg: public key decryption failed: Inappropriate ioctl for device\n" + noKey + "\nhint: set GPG_TTY=$(tty) or unlock the key first\nn: OTP secret not found."},
		{"integrity", &decryptError{name: "n", err: gpgio.ErrIntegrity},
			"gpg: WARNING: encrypted message has been manipulated!\nn: OTP secret not found."},
		{"unsupported", &decryptError{name: "n", err: &gpgio.UnsupportedError{Reason: "cipher TWOFISH"}},
			"gpg: decryption failed: cipher TWOFISH\nhint: PASSOTP_GPG=native refuses what only gpg can decrypt; unset it to let passotp run gpg\nn: OTP secret not found."},
		{"uri error", uriErr, "Invalid key URI (missing accountname): otpauth://totp/?secret=REDACTED"},
		{"code error", &codeError{name: "n", err: &otp.CodeError{Field: "digits", Reason: `"9" is not 6, 7 or 8`}},
			"Error: invalid digits in the OTP key URI: \"9\" is not 6, 7 or 8.\nn: failed to generate OTP code."},
		{"unsupported algorithm", &codeError{name: "n", err: &otp.URIError{Reason: otp.ReasonAlgorithm, URI: "otpauth://totp/a?secret=REDACTED&algorithm=MD5"}},
			"Invalid key URI (unsupported algorithm): otpauth://totp/a?secret=REDACTED&algorithm=MD5\nn: failed to generate OTP code."},
		{"locked", &lockedError{name: "h"}, "Error: h is locked by another passotp process."},
		{"forward", &forwardError{}, "Error: the real pass was not found in PATH."},
		{"forward names the subcommand", &forwardError{sub: "show"},
			"Error: the real pass was not found in PATH.\nhint: passotp implements only `pass otp`; `pass show` needs the real pass (install it, or set PASSOTP_PASS)"},
		{"bad value", &badValueError{flag: "at", value: "x"}, "Error: --at wants a whole number, not 'x'."},
		{"env", &envError{name: "PASSOTP_GPG", value: "x", want: "native, gpg or auto"}, "Error: PASSOTP_GPG must be native, gpg or auto, not 'x'."},
		{"sneaky", fmt.Errorf("read: %w", passstore.CheckName("../x")), "Error: You've attempted to pass a sneaky path to pass. Go home."},
		{"init", &initError{prog: "pass", err: passstore.ErrNoGPGID},
			"Error: You must run:\n    pass init your-gpg-id\nbefore you may use the password store.\n"},
		{"unknown", errors.New("something odd"), "Error: something odd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := userMessage(tt.err); got != tt.want {
				t.Errorf("userMessage() =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}
