// Package ageio owns age encryption for the stores of the pass family that
// use age instead of OpenPGP: passage stores (~/.passage/store) and gopass
// stores with the age back end (entries NAME.age next to .age-recipients).
//
// A [Client] satisfies passstore's Decrypter and Encrypter interfaces, so the
// store code treats an age store like a gpg one.
//
// # Native, and the age binary
//
// The policy is gpgio's for gpg: native first, the tool as the fallback
// for what native code does not do. ageio uses filippo.io/age in process
// for age's own types: X25519 and hybrid post-quantum keys, plugins, and
// scrypt-protected identities files. ssh keys (ssh-ed25519, ssh-rsa) go to
// the age binary ($PASSAGE_AGE in [Passage] mode, else age, found on the
// PATH of [Options.Env]), because filippo.io/age/agessh links
// golang.org/x/crypto/ssh, crypto/x509 and encoding/pem, whose
// initialisation alone slows every start of passotp by about 0.4 ms
// (issue 3). ageio reads only the public half of an ssh key, by hand
// (ssh.go), and:
//
//   - Decrypt tries the native identities first; when none opens the file
//     and one of its stanzas (in clear in the header: type and key tag) is
//     for a configured ssh identity, it runs `age --decrypt -i KEYFILE…`
//     with the ciphertext on stdin and reads the plaintext from stdout. A
//     passphrase-protected key is age's business: it asks on /dev/tty, and
//     without a terminal fails at once ([*AgeError] with age's message).
//   - Encrypt writes natively when every recipient is native; when one is
//     an ssh key it runs `age --encrypt -r RECIPIENT…` (`-i KEYFILE` for an
//     own ssh identity whose public key ageio cannot tell) with the
//     plaintext on stdin, for the same recipient set.
//   - Without the binary, both return a [*NeedAgeError]
//     ([ErrNeedAgeBinary]) naming the ssh key; Encrypt does so before
//     writing anything.
//
// Identity files go to age by path; no key, passphrase or plaintext is
// ever on its command line. Its environment is [Options.Env] without GIT_*
// and GOPASS_AGE_PASSWORD; the terminal variables stay.
//
// # Identities
//
// [Mode] chooses where the identities (the secret keys) come from:
//
//   - [Passage]: the file $PASSAGE_IDENTITIES_FILE, default
//     ~/.passage/identities. It may hold plain age keys (AGE-SECRET-KEY-1…),
//     an OpenSSH or PEM private key (ed25519 or rsa, protected or not; used
//     through the age binary), or be itself an age file protected by a
//     passphrase (`age -p`); the passphrase then comes from
//     [Options.Passphrase].
//   - [Gopass]: gopass's keyring $XDG_CONFIG_HOME/gopass/age/identities
//     (under $GOPASS_HOMEDIR/.config when that is set), an age file protected
//     by an scrypt passphrase. The passphrase is $GOPASS_AGE_PASSWORD when set
//     (for scripts, as gopass does), else [Options.Passphrase]. Like gopass,
//     the unencrypted ~/.passage/identities is used as well when it exists,
//     and so are the ssh key pairs in ~/.ssh (or $GOPASS_SSH_DIR), known
//     from their .pub files and used through the age binary (which asks
//     for a protected key's passphrase only for a file encrypted to it).
//
// Identities are loaded once per Client, on first use, so listing many
// entries derives the scrypt key only once.
//
// # Recipients
//
// Encrypt takes recipient strings as they appear in .age-recipients or
// $PASSAGE_RECIPIENTS: age X25519 (age1…) and hybrid post-quantum
// (age1pq1…) public keys, plugin recipients (age1yubikey1…) and OpenSSH
// public keys (ssh-ed25519, ssh-rsa; through the age binary). Blank lines and # comments are
// skipped. github:user references are refused with a [*RecipientError].
//
// # Plugins
//
// Plugin identities (AGE-PLUGIN-YUBIKEY-1…) and recipients work as with the
// age CLI: the plugin binary age-plugin-NAME is found on PATH and spoken to
// over age's plugin protocol (filippo.io/age/plugin). What a plugin wants to
// tell or ask the user goes through [Options.PluginUI]. With no recipient at all,
// the file is encrypted to the identities' own recipients (passage's rule when
// no recipients file exists). In [Gopass] mode the identities' recipients are
// always added, as gopass does, so the owner can still read what they wrote.
//
// # What it does not do
//
// It never reads the process environment (the environment comes in
// [Options.Env]), never opens the terminal, never prints, and never puts a
// key or plaintext into an error. It never reads the secret half of an ssh
// key. gopass's age agent is not supported.
package ageio
