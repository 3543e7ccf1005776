// Package e2e holds passotp's end-to-end tests of the integration pieces:
// the pass extension shim (scripts/otp.bash) run by the real pass, the
// `pass` drop-in forwarding to the real pass, an aws-vault-style call
// without a terminal, scripts/install.sh, and a GOOS=darwin cross-compile.
//
// The tests build cmd/passotp once (TestMain) and run it and the real
// tools (pass, gpg, oathtool, bash, expect) in throwaway homes, stores and
// GnuPG homes (internal/testkeys); PASSOTP_E2E_BIN=FILE tests a given
// binary instead of a fresh build. Missing tools fail the tests unless
// PASSOTP_ALLOW_SKIP=1. The package has no code of its own.
package e2e
