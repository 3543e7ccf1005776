package passstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// Write encrypts plaintext to the entry's recipients with e and stores it
// atomically as the entry name. The plaintext is written as given (the
// caller adds pass's final newline).
//
// Steps, in compat.md order: the sneaky check; a check that no existing
// directory on the way, nor the entry itself, is a symlink leading outside
// the store (*EscapeError, nothing created); the missing directories,
// created with mode 0777&^umask and returned in creation order for the
// "mkdir: created directory" lines (also when a later step fails); the
// recipients ([Store.Recipients]; ErrNoGPGID) and, for a recipients file,
// [Options.CheckRecipientsFile]; then encryption into a new file in the
// target directory with mode 0666&^umask (or the replaced entry's
// permission bits), fsync, rename over the entry, fsync of the directory
// (see the package documentation for the temporary file). Encryption
// errors are returned as *EncryptError. On any failure the temporary file
// is removed and the old entry is untouched.
func (s *Store) Write(ctx context.Context, name string, plaintext []byte, e Encrypter) (createdDirs []string, err error) {
	if err := CheckName(name); err != nil {
		return nil, err
	}
	if name == "" || strings.HasSuffix(name, "/") {
		return nil, fmt.Errorf("write entry: invalid name %q", name)
	}
	dirName := ""
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		dirName = name[:i]
	}
	var comps []string
	for _, c := range strings.Split(dirName, "/") {
		if c != "" && c != "." {
			comps = append(comps, c)
		}
	}

	// 1. Refuse escapes before anything is created.
	if _, err := os.Stat(s.o.Dir); err == nil {
		if err := s.checkInside(comps, name); err != nil {
			return nil, err
		}
	}

	// 2. Directories, as mkdir -p -v.
	created, err := s.mkdirs(name)
	if err != nil {
		return created, err
	}

	// 3. Recipients.
	ids, file, err := s.Recipients(name)
	if err != nil {
		return created, err
	}
	if file != "" && s.o.CheckRecipientsFile != nil {
		if err := s.o.CheckRecipientsFile(file); err != nil {
			return created, err
		}
	}
	if len(ids) == 0 {
		return created, &EncryptError{Err: ErrNoRecipients}
	}

	// 4. Resolve the target again now that every directory exists.
	target, oldMode, err := s.target(name)
	if err != nil {
		return created, err
	}
	return created, s.writeAtomic(ctx, target, oldMode, plaintext, ids, e)
}

// realPrefix resolves PREFIX through symlinks (PREFIX itself may be one).
func (s *Store) realPrefix() (string, error) {
	rp, err := filepath.EvalSymlinks(s.o.Dir)
	if err != nil {
		return "", fmt.Errorf("resolve store directory: %w", err)
	}
	return filepath.Abs(rp)
}

func inside(real, root string) bool {
	rel, err := filepath.Rel(root, real)
	if err != nil {
		return false
	}
	return rel == "." || (rel != ".." && !strings.HasPrefix(rel, "../"))
}

// checkInside walks the existing directory components below PREFIX and the
// entry itself and refuses symlinks that lead outside the store.
func (s *Store) checkInside(comps []string, name string) error {
	root, err := s.realPrefix()
	if err != nil {
		return err
	}
	cur := s.o.Dir
	for _, c := range comps {
		cur += "/" + c
		fi, err := os.Lstat(cur)
		if errors.Is(err, fs.ErrNotExist) {
			return nil // the rest will be created
		}
		if err != nil {
			return fmt.Errorf("write entry: %w", err)
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			t, err := filepath.EvalSymlinks(cur)
			if err != nil {
				return fmt.Errorf("write entry: %w", err)
			}
			if t, _ = filepath.Abs(t); !inside(t, root) {
				return &EscapeError{Path: cur, Target: t}
			}
			if fi, err = os.Stat(cur); err != nil {
				return fmt.Errorf("write entry: %w", err)
			}
		}
		if !fi.IsDir() {
			return fmt.Errorf("write entry: %s: %w", cur, syscall.ENOTDIR)
		}
	}
	_, _, err = s.target(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// target returns the file to replace for the entry: its path, or for a
// symlinked entry the (possibly missing) file the link chain ends at,
// after checking that its directory is inside the store. oldMode is the
// permission of an existing file, or 0.
func (s *Store) target(name string) (string, fs.FileMode, error) {
	root, err := s.realPrefix()
	if err != nil {
		return "", 0, err
	}
	p := s.Path(name)
	link := ""
	for hops := 0; ; hops++ {
		fi, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			break
		}
		if err != nil {
			return "", 0, fmt.Errorf("write entry: %w", err)
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			if !fi.Mode().IsRegular() {
				return "", 0, fmt.Errorf("write entry: %s is not a regular file", p)
			}
			break
		}
		if hops >= 40 {
			return "", 0, fmt.Errorf("write entry: %s: %w", p, syscall.ELOOP)
		}
		if link == "" {
			link = p
		}
		t, err := os.Readlink(p)
		if err != nil {
			return "", 0, fmt.Errorf("write entry: %w", err)
		}
		if !filepath.IsAbs(t) {
			t = filepath.Join(filepath.Dir(p), t)
		}
		p = t
	}
	dir, err := filepath.EvalSymlinks(filepath.Dir(p))
	if err != nil {
		return "", 0, fmt.Errorf("write entry: %w", err)
	}
	if dir, _ = filepath.Abs(dir); !inside(dir, root) {
		if link == "" {
			link = filepath.Dir(s.Path(name))
		}
		return "", 0, &EscapeError{Path: link, Target: filepath.Join(dir, filepath.Base(p))}
	}
	if link == "" {
		p = s.Path(name) // keep the textual form
	} else {
		p = filepath.Join(dir, filepath.Base(p))
	}
	var mode fs.FileMode
	if fi, err := os.Lstat(p); err == nil {
		mode = fi.Mode().Perm()
	}
	return p, mode, nil
}

// dirname is dirname(1) of an entry name: "." without a slash, trailing
// slashes of the result removed, "/" if nothing remains.
func dirname(name string) string {
	i := strings.LastIndexByte(name, '/')
	if i < 0 {
		return "."
	}
	if d := strings.TrimRight(name[:i], "/"); d != "" {
		return d
	}
	return "/"
}

// mkdirs is pass's `mkdir -p -v "$PREFIX/$(dirname "$path")"`: every
// missing directory along that textual path (PREFIX's own parents
// included) is created, and recorded as GNU mkdir prints it: the path as
// written, up to the end of that component.
func (s *Store) mkdirs(name string) ([]string, error) {
	full := s.o.Dir + "/" + dirname(name)
	dmode := fs.FileMode(0o777)
	if s.o.Umask >= 0 {
		dmode &^= fs.FileMode(s.o.Umask)
	}
	var created []string
	for i := 0; i < len(full); {
		for i < len(full) && full[i] == '/' {
			i++
		}
		j := i
		for j < len(full) && full[j] != '/' {
			j++
		}
		if j == i {
			break
		}
		d := full[:j]
		i = j
		if fi, err := os.Stat(d); err == nil {
			if !fi.IsDir() {
				return created, fmt.Errorf("create directory %s: %w", d, syscall.ENOTDIR)
			}
			continue
		}
		err := os.Mkdir(d, dmode)
		if errors.Is(err, fs.ErrExist) {
			continue // made meanwhile
		}
		if err != nil {
			return created, fmt.Errorf("create directory: %w", err)
		}
		created = append(created, d)
		if s.o.Umask >= 0 {
			if err := os.Chmod(d, dmode); err != nil {
				return created, fmt.Errorf("create directory: %w", err)
			}
		}
	}
	return created, nil
}

// tempName returns FILE.tmp.RANDOM.RANDOM.-- (pass's shape), a name that
// never ends in the entry extension.
func tempName(target string) string {
	return target + ".tmp." + strconv.FormatUint(uint64(rand.Uint32()), 10) + "." +
		strconv.FormatUint(uint64(rand.Uint32()), 10) + ".--"
}

// writeAtomic encrypts into a new file in target's directory and moves it
// into place. On Linux the file is first unnamed (O_TMPFILE), so a killed
// process leaves nothing; it is then linked directly as a new entry, or
// linked as FILE.tmp.RANDOM.RANDOM.-- and renamed over an existing one.
// Elsewhere (or if the file system lacks O_TMPFILE) the temporary file is
// named from the start, created with O_EXCL. Temporary files that a killed
// writer left for the same entry are removed first.
func (s *Store) writeAtomic(ctx context.Context, target string, oldMode fs.FileMode, plaintext []byte, ids []string, e Encrypter) (err error) {
	mode := fs.FileMode(0o666)
	chmod := false
	if s.o.Umask >= 0 {
		mode &^= fs.FileMode(s.o.Umask)
		chmod = true
	}
	if oldMode != 0 {
		mode, chmod = oldMode, true
	}
	dir := filepath.Dir(target)
	removeStaleTemps(target)
	tmp := "" // the name of the temporary file while it has one
	f, err := s.openAnon(dir, mode)
	if err != nil {
		if f, tmp, err = openTemp(target, mode); err != nil {
			return err
		}
	}
	defer func() {
		if err != nil {
			f.Close()
			if tmp != "" {
				os.Remove(tmp)
			}
		}
	}()
	if chmod {
		if err = f.Chmod(mode); err != nil {
			return fmt.Errorf("create temporary file: %w", err)
		}
	}
	w, err := e.Encrypt(ctx, f, ids)
	if err != nil {
		return &EncryptError{Err: err}
	}
	if _, err = w.Write(plaintext); err != nil {
		w.Close()
		return &EncryptError{Err: err}
	}
	if err = w.Close(); err != nil {
		return &EncryptError{Err: err}
	}
	if err = ctx.Err(); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("sync entry: %w", err)
	}
	if tmp == "" {
		// Unnamed: a new entry gets its name in one step.
		if _, lerr := os.Lstat(target); errors.Is(lerr, fs.ErrNotExist) {
			if err = s.linkAnon(f, target); err == nil {
				f.Close()
				return syncDir(dir)
			}
		}
		if tmp, err = s.linkTemp(f, target, mode, chmod); err != nil {
			return err
		}
	}
	if err = os.Rename(tmp, target); err != nil {
		return fmt.Errorf("replace entry: %w", err)
	}
	tmp = ""
	if err = f.Close(); err != nil {
		return fmt.Errorf("close entry: %w", err)
	}
	return syncDir(dir)
}

// removeStaleTemps deletes temporary files of this package's exact shape
// (FILE.tmp.DIGITS.DIGITS.--, not pass's four-number shape) left for
// target by a process killed between naming and renaming one. Removing a
// concurrent writer's file can only make its rename fail; the entry is
// never harmed. Callers serialise writes with [Store.Lock] anyway.
func removeStaleTemps(target string) {
	dir, base := filepath.Split(target)
	ents, err := os.ReadDir(filepath.Clean(dir))
	if err != nil {
		return
	}
	for _, e := range ents {
		if isOurTemp(e.Name(), base) && e.Type().IsRegular() {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

func isOurTemp(name, base string) bool {
	rest, ok := strings.CutPrefix(name, base+".tmp.")
	if !ok {
		return false
	}
	rest, ok = strings.CutSuffix(rest, ".--")
	if !ok {
		return false
	}
	a, b, ok := strings.Cut(rest, ".")
	return ok && allDigits(a) && allDigits(b)
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// openTemp creates FILE.tmp.RANDOM.RANDOM.-- with O_EXCL.
func openTemp(target string, mode fs.FileMode) (*os.File, string, error) {
	for i := 0; ; i++ {
		tmp := tempName(target)
		f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL|syscall.O_NOFOLLOW|syscall.O_CLOEXEC, mode)
		if err == nil {
			return f, tmp, nil
		}
		if !errors.Is(err, fs.ErrExist) || i > 10 {
			return nil, "", fmt.Errorf("create temporary file: %w", err)
		}
	}
}

// linkTemp names the unnamed file f FILE.tmp.RANDOM.RANDOM.--. If linking
// is impossible (no /proc, no privilege), it copies f into a named
// temporary file instead.
func (s *Store) linkTemp(f *os.File, target string, mode fs.FileMode, chmod bool) (string, error) {
	for i := 0; i < 10; i++ {
		tmp := tempName(target)
		err := s.linkAnon(f, tmp)
		if err == nil {
			return tmp, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			break
		}
	}
	nf, tmp, err := openTemp(target, mode)
	if err != nil {
		return "", err
	}
	_, err = io.Copy(nf, io.NewSectionReader(f, 0, 1<<62))
	if err == nil && chmod {
		err = nf.Chmod(mode)
	}
	if err == nil {
		err = nf.Sync()
	}
	if cerr := nf.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("write temporary file: %w", err)
	}
	return tmp, nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return nil
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) && !errors.Is(err, syscall.ENOTSUP) {
		return fmt.Errorf("sync directory: %w", err)
	}
	return nil
}

// openAnon and linkAnon go through the Store so that tests can take the
// portable named-file path and the copy fallback on Linux too.
func (s *Store) openAnon(dir string, mode fs.FileMode) (*os.File, error) {
	if s.testNamedTemp {
		return nil, errors.ErrUnsupported
	}
	return openAnon(dir, mode)
}

func (s *Store) linkAnon(f *os.File, path string) error {
	if s.testNoLink {
		return errors.ErrUnsupported
	}
	return linkAnon(f, path)
}
