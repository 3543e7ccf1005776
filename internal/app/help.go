package app

import (
	"fmt"
	"strings"
)

// printHelp prints pass-otp's usage text (compat §10.6) with D and
// CLIP_TIME substituted.
func (a *App) printHelp() {
	text := strings.NewReplacer("$D", a.D, "$CLIP_TIME", a.clipTime()).Replace(helpText)
	fmt.Fprint(a.Stdout, text)
}

// helpText is modelled on pass-otp's cmd_otp_usage, with the options
// pass-otp's develop branch and passotp added.
const helpText = `Usage:

    $D [code] [--clip,-c] [--quiet,-q] pass-name
            [--fresh] [--min-remaining seconds] [--json]
            [--line n | --label label]
        Generate an OTP code and optionally put it on the clipboard.
        If put on the clipboard, it will be cleared in $CLIP_TIME seconds.
        Only the code is printed, so --quiet changes nothing.

        With --fresh (or PASSOTP_FRESH=1), never hand out the same time
        step twice: wait for the next code instead. With --min-remaining
        (or PASSOTP_MIN_REMAINING), wait for the next code if fewer seconds
        remain. --json prints the code with its details as JSON. When an
        entry holds several OTP keys, --line or --label picks one.

    $D insert [--force,-f] [--echo,-e] [--path,-p path-name]
            [[--secret, -s] [--issuer,-i issuer] [--account,-a account]]
            [pass-name]
        Prompt for and insert a new OTP key.

        If 'secret' is specified, prompt for the OTP secret, assuming SHA1
        algorithm, 30-second period, and 6 OTP digits; one of 'issuer' or
        'account' is also required. Otherwise, prompt for a key URI; if
        'pass-name' is not supplied, use the URI label, under 'path-name'
        if given.

        Optionally, echo the input. Prompt before overwriting existing URI
        unless forced. This command accepts input from stdin.

    $D append [--force,-f] [--echo,-e]
            [[--secret, -s] [--issuer,-i issuer] [--account,-a account]]
            pass-name
        Appends an OTP key URI to an existing password file.

        If 'secret' is specified, prompt for the OTP secret, assuming SHA1
        algorithm, 30-second period, and 6 OTP digits; one of 'issuer' or
        'account' is also required. Otherwise, prompt for a key URI.

        Optionally, echo the input. Prompt before overwriting an existing URI.
        This command accepts input from stdin.

    $D uri [--clip,-c] [--qrcode,-q] [--line n | --label label] pass-name
        Display the key URI stored in pass-name. Optionally, put it on the
        clipboard, or display a QR code.

    $D ls [--codes] [subfolder]
        List the entries that hold an OTP key; with --codes, show each
        current code and the seconds left.

    $D validate uri
        Test if the given URI is a valid OTP key URI.

    code, insert, append, uri and ls also accept --store kind to choose
    the store: pass, gopass (names through gopass's mounts) or passage.
    It wins over PASSOTP_STORE.

More information may be found in the passotp(1) man page.
`

// printPassUsage prints pass's own usage (pass help), as pass does after
// the "You must run: init" hint, on stdout.
func (a *App) printPassUsage() {
	editor := a.Getenv("EDITOR")
	if editor == "" {
		editor = "editor"
	}
	length := a.Getenv("PASSWORD_STORE_GENERATED_LENGTH")
	if length == "" {
		length = "25"
	}
	text := strings.NewReplacer("$PROGRAM", a.passProg(), "$CLIP_TIME", a.clipTime(),
		"$EDITOR", editor, "$GENERATED_LENGTH", length).Replace(passUsage)
	fmt.Fprint(a.Stdout, text)
}

// passUsage is pass 1.7.4's cmd_usage (cmd_version, a blank line, the
// usage), byte for byte, including the tab in the `find` section.
const passUsage = `============================================
= pass: the standard unix password manager =
=                                          =
=                  v1.7.4                  =
=                                          =
=             Jason A. Donenfeld           =
=               Jason@zx2c4.com            =
=                                          =
=      http://www.passwordstore.org/       =
============================================

Usage:
    $PROGRAM init [--path=subfolder,-p subfolder] gpg-id...
        Initialize new password storage and use gpg-id for encryption.
        Selectively reencrypt existing passwords using new gpg-id.
    $PROGRAM [ls] [subfolder]
        List passwords.
    $PROGRAM find pass-names...
    ` + "\t" + `List passwords that match pass-names.
    $PROGRAM [show] [--clip[=line-number],-c[line-number]] pass-name
        Show existing password and optionally put it on the clipboard.
        If put on the clipboard, it will be cleared in $CLIP_TIME seconds.
    $PROGRAM grep [GREPOPTIONS] search-string
        Search for password files containing search-string when decrypted.
    $PROGRAM insert [--echo,-e | --multiline,-m] [--force,-f] pass-name
        Insert new password. Optionally, echo the password back to the console
        during entry. Or, optionally, the entry may be multiline. Prompt before
        overwriting existing password unless forced.
    $PROGRAM edit pass-name
        Insert a new password or edit an existing password using $EDITOR.
    $PROGRAM generate [--no-symbols,-n] [--clip,-c] [--in-place,-i | --force,-f] pass-name [pass-length]
        Generate a new password of pass-length (or $GENERATED_LENGTH if unspecified) with optionally no symbols.
        Optionally put it on the clipboard and clear board after $CLIP_TIME seconds.
        Prompt before overwriting existing password unless forced.
        Optionally replace only the first line of an existing file with a new password.
    $PROGRAM rm [--recursive,-r] [--force,-f] pass-name
        Remove existing password or directory, optionally forcefully.
    $PROGRAM mv [--force,-f] old-path new-path
        Renames or moves old-path to new-path, optionally forcefully, selectively reencrypting.
    $PROGRAM cp [--force,-f] old-path new-path
        Copies old-path to new-path, optionally forcefully, selectively reencrypting.
    $PROGRAM git git-command-args...
        If the password store is a git repository, execute a git command
        specified by git-command-args.
    $PROGRAM help
        Show this text.
    $PROGRAM version
        Show version information.

More information may be found in the pass(1) man page.
`
