// Package passstore owns the pass password store on disk: the store
// directory PREFIX, the mapping from an entry name to PREFIX/NAME.gpg, the
// refusal of sneaky paths, the nearest .gpg-id, reading an entry, the atomic
// write of a new entry, the store lock, and the git commit that records a
// write.
//
// It does not do cryptography. It declares the two one-method interfaces it
// needs, [Decrypter] and [Encrypter], which gpgio's client (and fakes in
// tests) satisfy. It does not parse otpauth URIs, print, prompt, exit or read
// the process environment: the directory, the recipients override, the umask,
// the environment used for the git identity and the clock all come in through
// [Options].
//
// # Names and paths
//
// An entry NAME lives at PREFIX + "/" + NAME + ".gpg", joined textually
// ([Store.Path]); PREFIX is used verbatim. [CheckName] refuses the names pass
// calls sneaky ([ErrSneaky]). Stripping one trailing slash is the caller's
// job, because pass-otp's commands differ there.
//
// # Recipients
//
// [Store.Recipients] returns the words of PASSWORD_STORE_KEY ([Options.Keys])
// or the lines of the nearest .gpg-id from the entry's directory up to
// PREFIX. Each line loses everything from the first '#', is trimmed, and is
// skipped when empty; unlike pass, a last line without a newline counts.
// The same rules serve age stores with [Options.Ext] ".age" and
// [Options.RecipientsFile] ".age-recipients".
//
// # Writing
//
// [Store.Write] creates the missing directories with mode 0777&^umask,
// encrypts into a new file in the target directory with mode 0666&^umask
// (or the mode of the entry it replaces), fsyncs it, moves it over the
// entry and fsyncs the directory. On Linux the new file is unnamed
// (O_TMPFILE) until it is complete, so a killed process leaves nothing
// behind; it is then linked as the entry (a new entry) or as
// FILE.tmp.RANDOM.RANDOM.-- and renamed over it at once (only a kill in
// the microseconds between those two calls leaves that name). Elsewhere that temporary
// name is created with O_EXCL from the start. A name never ends in .gpg
// before the file is complete. On any failure the temporary file is
// removed and the old entry is left as it was; one that a killed process
// left is removed by the next write of that entry. A write never follows a
// symlink that leads outside the store ([ErrOutsideStore]); a symlinked
// entry inside the store is replaced at its target.
//
// # Locking
//
// [Store.Lock] takes an exclusive flock on PREFIX itself (opened read-only,
// no lock file in the store), so that HOTP read-increment-write cycles and
// inserts of cooperating passotp processes never interleave.
//
// # Git
//
// [Store.Commit] records an entry in the nearest git work tree between the
// entry's directory and PREFIX (never above PREFIX), as pass's git_add_file
// does: stage the file, and commit the whole index with exactly the given
// subject if the file differs from HEAD. It reads and writes objects and
// refs itself (gitobj.go, on go-git's plumbing, index, object-file and
// pack formats: go-git's storage and object packages, like its top-level
// package, cost process start-up time on every run), and writes index,
// objects, refs and reflogs the way git does. When the repository has commit hooks,
// needs a signature that no [Options.Signer] makes, uses index features
// go-git cannot write, or a git config file is malformed (git then says
// "bad config line N"), it runs the git binary instead, with pass's
// environment (GIT_* variables removed, GIT_CEILING_DIRECTORIES=PREFIX/..).
// No repository means no commit and no error. An untracked entry that a
// gitignore pattern excludes is not committed ([ErrIgnored]), since git
// add refuses it.
package passstore
