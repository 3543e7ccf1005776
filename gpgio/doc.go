// Package gpgio decrypts and encrypts pass entries with the user's own
// GnuPG home, in process: the same public keyring (pubring.kbx,
// pubring.gpg or keyboxd), the same secret key files in
// private-keys-v1.d, the same running gpg-agent and pinentry. It runs the
// gpg program only as a fallback, with pass's exact command lines.
//
// # Entry points
//
// [Open] returns a [Client] configured by [Options]; it does no I/O. Then
// [Client.Decrypt] returns the verified plaintext of one OpenPGP message
// and [Client.Encrypt] streams a new message for the recipients named by
// .gpg-id lines. [Client.Sign] makes the detached signature of a signed
// git commit (pass.signcommits) with the key `gpg -u` would pick, or
// returns a [*NoNativeSignError] saying why it cannot, so that the caller
// can let git and gpg sign. [Mode] selects the native path, gpg, or (the
// default) native with the gpg fallback of gpgio.md §10.
//
// # What it owns
//
//   - locating the home, its socket directory and agent redirect files,
//     and the few configuration lines that change how keys are found;
//   - the keyring index, key files, keygrips, .gpg-id line resolution;
//   - the Assuan protocol to gpg-agent and keyboxd (HAVEKEY, PKDECRYPT,
//     loopback passphrases), including the ECDH KDF for agent results;
//   - the OpenPGP decrypt driver and native encryption (go-crypto);
//   - detached v4 signatures (RSA, NIST ECDSA, Ed25519) from unprotected
//     key files or by the agent (SIGKEY, SETHASH, PKSIGN);
//   - running gpg when the native path cannot decide.
//
// # Modes
//
// [Auto] (PASSOTP_GPG=auto, the default) decrypts natively: first with
// unprotected key files, then through gpg-agent (HAVEKEY, PKDECRYPT), and
// runs `gpg -d` only when the message uses something the native path does
// not support (Twofish, Camellia, IDEA, Blowfish, SKESK, v5/v6 packets,
// unknown curves), when no native source holds the key, or when the agent
// cannot be reached. [NativeOnly] (PASSOTP_GPG=native) returns those
// errors instead. [GPGOnly] (PASSOTP_GPG=gpg, and whenever
// PASSWORD_STORE_GPG_OPTS is set) always runs gpg with pass's command lines.
//
// # Differences from gpg
//
// Signatures inside entries are ignored, as pass ignores them. With a
// locked key, no terminal, no display and no cached passphrase, Decrypt
// returns [ErrNoPinentry] at once (it asks the agent with KEYINFO and
// GETINFO) instead of letting gpg-agent spend about a second failing to
// start pinentry. An integrity failure is reported and never retried
// with gpg.
//
// # What it refuses to do
//
// It never writes to the GnuPG home, never unprotects a key itself (the
// agent does), never falls back to gpg after a bad passphrase, a cancel,
// a missing pinentry or an integrity failure, and never prints, exits or
// reads the process environment: [Options.Env], [Options.TTY] and
// [Options.Now] are injected by the caller. Errors are [ErrNoSecretKey],
// [ErrBadPassphrase], [ErrCanceled], [ErrNoPinentry], [ErrIntegrity],
// [ErrNoAgent], [ErrNoGPG], [*UnsupportedError], [*AgentError] and
// [*GPGError]; none of them contains a secret.
package gpgio
