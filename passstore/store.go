package passstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/passotp/passotp/internal/sysread"
)

// Decrypter decrypts one entry. *gpgio.Client satisfies it.
type Decrypter interface {
	Decrypt(ctx context.Context, ciphertext io.Reader) ([]byte, error)
}

// Encrypter encrypts one entry to the given recipients (lines of .gpg-id or
// words of PASSWORD_STORE_KEY). The returned writer takes the plaintext; its
// Close finishes the message. *gpgio.Client satisfies it.
type Encrypter interface {
	Encrypt(ctx context.Context, dst io.Writer, recipients []string) (io.WriteCloser, error)
}

// Signer makes the signature of a signed commit. Sign gets the commit
// object without its signature and returns an ASCII-armored detached
// OpenPGP signature ("-----BEGIN PGP SIGNATURE-----" ...). go-git's Signer
// interface has the same shape.
type Signer interface {
	Sign(message io.Reader) ([]byte, error)
}

// Options configure a [Store]. Every field is read when needed; [Open] does
// no I/O.
type Options struct {
	// Dir is PREFIX, used verbatim in paths and messages. The caller
	// resolves PASSWORD_STORE_DIR and $HOME/.password-store.
	Dir string

	// Keys are the words of PASSWORD_STORE_KEY. When it holds at least one
	// non-empty word, it replaces the .gpg-id lookup entirely.
	Keys []string

	// Umask gives file modes 0666&^Umask and directory modes 0777&^Umask,
	// applied with an explicit chmod so the process umask does not matter.
	// -1 leaves modes to the process umask. Note that 0 is a real umask
	// (0666 files); the caller passes PASSWORD_STORE_UMASK parsed, 077 by
	// default.
	Umask int

	// Env is the environment used for git: the identity (GIT_AUTHOR_NAME,
	// GIT_AUTHOR_EMAIL, GIT_AUTHOR_DATE, the GIT_COMMITTER_* triple, EMAIL),
	// the configuration files (HOME, XDG_CONFIG_HOME, GIT_CONFIG_GLOBAL,
	// GIT_CONFIG_SYSTEM, GIT_CONFIG_NOSYSTEM) and, when the git binary has
	// to run, its PATH and environment.
	Env []string

	// Now is the clock for commit dates; nil means time.Now.
	Now func() time.Time

	// Ext is the entry file extension; "" means ".gpg" (".age" for age
	// stores).
	Ext string

	// RecipientsFile is the per-directory recipients file; "" means
	// ".gpg-id" (".age-recipients" for age stores).
	RecipientsFile string

	// IgnoreSignCommits makes pass.signcommits have no effect, as in
	// passage, whose git_commit never adds -S; commit.gpgsign still signs,
	// since git itself applies it.
	IgnoreSignCommits bool

	// CheckRecipientsFile, if set, is called by [Store.Write] with the
	// path of the recipients file in use (never for Keys), after the
	// directories are made and before encrypting, where pass runs
	// verify_file for PASSWORD_STORE_SIGNING_KEY. An error aborts the
	// write and is returned as is.
	CheckRecipientsFile func(path string) error

	// Signer returns the signer for a signed commit (pass.signcommits or
	// commit.gpgsign true). keyID is user.signingkey, or the committer
	// "Name <email>" when that is unset, as git does. When Signer is nil,
	// a signed commit is made by the git binary (git commit -S); if that is
	// not possible either, [Store.Commit] returns an error. An error
	// wrapping [ErrSignWithGit] from Signer or from Sign also hands the
	// commit to git commit -S; any other error fails the commit.
	Signer func(keyID string) (Signer, error)
}

// Store is a pass password store rooted at [Options.Dir].
type Store struct {
	o Options

	testNamedTemp bool // tests: no O_TMPFILE, named temporary files only
	testNoLink    bool // tests: O_TMPFILE but linking fails (copy fallback)
}

// Errors returned by this package; test them with errors.Is.
var (
	// ErrSneaky is returned for a name pass calls a sneaky path.
	ErrSneaky = errors.New("sneaky path")
	// ErrNotFound means the entry file does not exist or is not a
	// regular file.
	ErrNotFound = errors.New("passfile not found")
	// ErrNoGPGID means neither PASSWORD_STORE_KEY nor a recipients file
	// between the entry's directory and PREFIX exists.
	ErrNoGPGID = errors.New("no .gpg-id found")
	// ErrNoRecipients means the recipients file holds no recipient.
	ErrNoRecipients = errors.New("no recipients")
	// ErrOutsideStore means a write would follow a symlink out of the
	// store. The error is an *EscapeError.
	ErrOutsideStore = errors.New("symlink leads outside the store")
	// ErrLocked means the store lock was not obtained in time.
	ErrLocked = errors.New("store is locked by another process")
)

// EscapeError reports a symlink on the way to an entry that leads outside
// the store. Nothing has been written when it is returned.
type EscapeError struct {
	Path   string // the symlink, as a path below PREFIX
	Target string // where it leads
}

func (e *EscapeError) Error() string {
	return fmt.Sprintf("refusing to write through %s: symlink leads outside the store to %s", e.Path, e.Target)
}

// Unwrap makes errors.Is(err, ErrOutsideStore) true.
func (e *EscapeError) Unwrap() error { return ErrOutsideStore }

// EncryptError reports that the encrypter failed. The old entry is
// untouched and no temporary file remains.
type EncryptError struct {
	Err error
}

func (e *EncryptError) Error() string { return "encrypt entry: " + e.Err.Error() }

// Unwrap returns the cause.
func (e *EncryptError) Unwrap() error { return e.Err }

// Open returns the store described by o. It does no I/O.
func Open(o Options) *Store {
	if o.Ext == "" {
		o.Ext = ".gpg"
	}
	if o.RecipientsFile == "" {
		o.RecipientsFile = ".gpg-id"
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Store{o: o}
}

// Dir returns PREFIX as given.
func (s *Store) Dir() string { return s.o.Dir }

// Ext returns the entry file extension (".gpg" unless configured).
func (s *Store) Ext() string { return s.o.Ext }

// CheckName returns ErrSneaky if name is "..", starts with "../", ends
// with "/.." or contains "/../", exactly as pass's check_sneaky_paths.
func CheckName(name string) error {
	if name == ".." || strings.HasPrefix(name, "../") || strings.HasSuffix(name, "/..") || strings.Contains(name, "/../") {
		return fmt.Errorf("%w: %q", ErrSneaky, name)
	}
	return nil
}

// Path returns PREFIX/NAME.gpg (with the store's extension), joined
// textually as pass does.
func (s *Store) Path(name string) string {
	return s.o.Dir + "/" + name + s.o.Ext
}

// Exists reports whether the entry file is a regular file, following
// symlinks. A directory of that name does not count.
func (s *Store) Exists(name string) bool {
	fi, err := os.Stat(s.Path(name))
	return err == nil && fi.Mode().IsRegular()
}

// Read decrypts the entry name with d. It returns ErrSneaky for a sneaky
// name and ErrNotFound when the entry file is missing or not a regular
// file. Symlinks are followed, as pass does when reading.
func (s *Store) Read(ctx context.Context, name string, d Decrypter) ([]byte, error) {
	if err := CheckName(name); err != nil {
		return nil, err
	}
	p := s.Path(name)
	// Plain system calls (internal/sysread), not os.Open: the hot path of
	// `passotp NAME` never starts the runtime poller (issue 3), and an
	// entry that is a FIFO does not block the open.
	f, err := sysread.Open(p, 0)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
			return nil, fmt.Errorf("read %s: %w", name, ErrNotFound)
		}
		return nil, fmt.Errorf("read entry: %w", err)
	}
	defer f.Close()
	if !f.Regular() {
		return nil, fmt.Errorf("read %s: %w", name, ErrNotFound)
	}
	pt, err := d.Decrypt(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("decrypt %s: %w", name, err)
	}
	return pt, nil
}

// List returns the names of all entries (files ending in the store's
// extension), sorted, without the extension. Names or directories starting
// with '.' (.git, .extensions, .public-keys) are skipped, as tree does for
// pass ls. Symlinked directories are followed (tree -l), except links
// back to a directory being walked.
func (s *Store) List(ctx context.Context) ([]string, error) {
	var names []string
	seen := map[string]bool{}
	var walk func(dir, rel string) error
	walk = func(dir, rel string) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		real, err := filepath.EvalSymlinks(dir)
		if err != nil {
			return err
		}
		if seen[real] {
			return nil // a symlink loop back to an ancestor
		}
		seen[real] = true
		defer delete(seen, real)
		ents, err := os.ReadDir(dir)
		if err != nil {
			return err
		}
		for _, e := range ents {
			n := e.Name()
			if strings.HasPrefix(n, ".") {
				continue
			}
			full := dir + "/" + n
			fi, err := os.Stat(full)
			if err != nil {
				continue // dangling symlink
			}
			r := n
			if rel != "" {
				r = rel + "/" + n
			}
			switch {
			case fi.IsDir():
				if err := walk(full, r); err != nil {
					return err
				}
			case fi.Mode().IsRegular() && strings.HasSuffix(n, s.o.Ext) && len(n) > len(s.o.Ext):
				names = append(names, strings.TrimSuffix(r, s.o.Ext))
			}
		}
		return nil
	}
	if err := walk(s.o.Dir, ""); err != nil {
		return nil, fmt.Errorf("list store: %w", err)
	}
	sort.Strings(names)
	return names, nil
}

// Recipients returns the recipients for a new version of the entry name:
// the words of [Options.Keys] if any, else the lines of the nearest
// recipients file (.gpg-id) from PREFIX/dirname(NAME) up to PREFIX, and the
// path of that file ("" for Keys). It returns ErrNoGPGID when no file is
// found. A file without any recipient line gives an empty list and no
// error.
func (s *Store) Recipients(name string) (ids []string, gpgIDFile string, err error) {
	for _, k := range s.o.Keys {
		if k = strings.TrimSpace(k); k != "" {
			ids = append(ids, k)
		}
	}
	if len(ids) > 0 {
		return ids, "", nil
	}
	// pass's set_gpg_recipients "$(dirname "$path")", textually, so that
	// the file name is the one pass prints (PREFIX/./.gpg-id for a
	// top-level entry).
	isFile := func(p string) bool {
		fi, err := os.Stat(p)
		return err == nil && fi.Mode().IsRegular()
	}
	cur := s.o.Dir + "/" + dirname(name)
	for cur != s.o.Dir && !isFile(cur+"/"+s.o.RecipientsFile) {
		i := strings.LastIndexByte(cur, '/')
		if i < 0 || i < len(s.o.Dir) {
			break
		}
		cur = cur[:i]
	}
	if p := cur + "/" + s.o.RecipientsFile; isFile(p) {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, "", fmt.Errorf("read %s: %w", s.o.RecipientsFile, err)
		}
		return ParseGPGID(b), p, nil
	}
	return nil, "", fmt.Errorf("%w for %s", ErrNoGPGID, name)
}

// ParseGPGID returns the recipient lines of a .gpg-id (or
// .age-recipients) file: each line loses everything from the first '#',
// is trimmed of ASCII white space (including CR), and is dropped when
// empty. A last line without a newline counts.
func ParseGPGID(b []byte) []string {
	var ids []string
	for len(b) > 0 {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		if i := bytes.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		line = bytes.Trim(line, " \t\r\v\f")
		if len(line) > 0 {
			ids = append(ids, string(line))
		}
	}
	return ids
}
