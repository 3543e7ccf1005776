// Package storeconf owns the question "which store holds this entry, and
// with which encryption": it reads gopass's configuration (root store and
// mounts) and passage's environment, and it never opens an entry itself.
//
// # gopass
//
// [LoadGopass] reads gopass's git-config style configuration in gopass's
// order of precedence: the environment (GOPASS_CONFIG_COUNT,
// GOPASS_CONFIG_KEY_n, GOPASS_CONFIG_VALUE_n), the per-user file, then the
// system file /etc/gopass/config (unless GOPASS_CONFIG_NOSYSTEM is set).
// The per-user file is $GOPASS_HOMEDIR/.config/gopass/config when
// GOPASS_HOMEDIR is set, else $XDG_CONFIG_HOME/gopass/config, else
// ~/.config/gopass/config; when that does not exist, $GOPASS_CONFIG is
// tried (gopass joins it to the home directory; an absolute path is also
// taken as is). Files that are missing or cannot be parsed are skipped, as
// gopass skips them. Mounts found in per-store config files are ignored, as
// gopass ignores them; include directives are not followed.
//
// The root store is mounts.path, else $PASSWORD_STORE_DIR, else
// ~/.password-store when it is a directory, else
// $XDG_DATA_HOME/gopass/stores/root. A mount without a path lives in
// $XDG_DATA_HOME/gopass/stores/NAME (slashes in NAME become dashes).
// A leading ~/ is the home directory (GOPASS_HOMEDIR when set).
//
// [Config.Resolve] maps an entry name to a [Location]: the mount whose
// mount point MP is the longest with MP+"/" a prefix of NAME+"/" wins, and
// the rest of the name is looked up in that store. The store's back end is
// gpg when its directory holds .gpg-id (gopass tries gpg first), age when it
// holds .age-recipients, gpg otherwise.
//
// # passage
//
// [LoadPassage] follows passage: the store is $PASSAGE_DIR (default
// ~/.passage/store), the identities $PASSAGE_IDENTITIES_FILE (default
// ~/.passage/identities); recipients come from $PASSAGE_RECIPIENTS_FILE,
// else $PASSAGE_RECIPIENTS, else the nearest .age-recipients, else the
// identities themselves ([Passage.Recipients] covers the first two).
//
// # When mounts apply
//
// The package only answers questions; the command decides. passotp uses
// gopass mounts when invoked directly (not as pass), with no explicit
// PASSWORD_STORE_DIR, and a gopass configuration exists ([GopassEnabled]), or
// when asked to by a flag. Invoked as pass, passotp keeps pass's semantics.
//
// Like every library here, it takes the environment as a slice and never
// calls os.Getenv; it prints nothing.
package storeconf
