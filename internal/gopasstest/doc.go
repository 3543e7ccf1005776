// Package gopasstest holds passotp's end-to-end tests against the real
// gopass (issue 6): stores created non-interactively by gopass itself — a
// gpg root store, a gpg mount and an age mount, with every entry format
// gopass reads (pass-otp URI lines, AKV and YAML bodies, otpauth:, totp:
// and hotp: keys, Steam, HOTP with gopass's counter: key) — must give the
// same codes with passotp as with `gopass otp -o` and oathtool, and
// entries passotp writes into gopass stores must read back with gopass.
//
// gopass is found on PATH or in $(go env GOPATH)/bin; scripts/ci-gopass.sh
// installs it (CI runs it). Without gopass the tests are skipped with a
// message saying so — never passed. The package has no non-test code.
package gopasstest
