// Package ageio owns age encryption for the stores of the pass family that
// use age instead of OpenPGP: passage stores (~/.passage/store) and gopass
// stores with the age back end (entries NAME.age next to .age-recipients).
//
// A [Client] satisfies passstore's Decrypter and Encrypter interfaces, so the
// store code treats an age store like a gpg one. It uses filippo.io/age in
// process and never spawns the age binary.
//
// # Identities
//
// [Mode] chooses where the identities (the secret keys) come from:
//
//   - [Passage]: the file $PASSAGE_IDENTITIES_FILE, default
//     ~/.passage/identities. It may hold plain age keys (AGE-SECRET-KEY-1…),
//     an unencrypted OpenSSH private key, or be itself an age file protected
//     by a passphrase (`age -p`); the passphrase then comes from
//     [Options.Passphrase].
//   - [Gopass]: gopass's keyring $XDG_CONFIG_HOME/gopass/age/identities
//     (under $GOPASS_HOMEDIR/.config when that is set), an age file protected
//     by an scrypt passphrase. The passphrase is $GOPASS_AGE_PASSWORD when set
//     (for scripts, as gopass does), else [Options.Passphrase]. Like gopass,
//     the unencrypted ~/.passage/identities is used as well when it exists,
//     and so are the ssh key pairs in ~/.ssh (or $GOPASS_SSH_DIR); a
//     protected ssh key asks [Options.Passphrase] only for a file
//     encrypted to it.
//
// Identities are loaded once per Client, on first use, so listing many
// entries derives the scrypt key only once.
//
// # Recipients
//
// Encrypt takes recipient strings as they appear in .age-recipients or
// $PASSAGE_RECIPIENTS: age X25519 (age1…) and hybrid post-quantum
// (age1pq1…) public keys, plugin recipients (age1yubikey1…) and OpenSSH
// public keys (ssh-ed25519, ssh-rsa). Blank lines and # comments are
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
// key or plaintext into an error. Passphrase-protected ssh keys and gopass's
// age agent are not supported.
package ageio
