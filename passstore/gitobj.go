package passstore

// This file replaces go-git's storage/filesystem and plumbing/object for
// the few objects and refs a commit needs: their package initialisation
// (encoding/gob via gcfg, go-git's config and URL regexps) costs process
// start-up time that `passotp NAME` pays without ever committing (issue 3).
// It builds on go-git's light packages (plumbing, objfile, idxfile,
// packfile) and is checked against the git binary in gitobj_test.go.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
	"github.com/go-git/go-git/v5/plumbing/format/objfile"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
)

// errObjectNotFound means no object directory (own or alternate) holds
// the object.
var errObjectNotFound = errors.New("object not found")

// objectDB is a repository's object directory, read and written as git
// does: loose objects in objects/XX/..., packs in objects/pack/*.pack with
// their .idx, and read-only alternates (objects/info/alternates, followed
// recursively as git follows them). New objects are always written loose
// into the repository's own directory.
type objectDB struct {
	dirs   []string // own objects directory first, then alternates
	packs  []*packIndex
	loaded bool
}

type packIndex struct {
	pack string // path of the .pack file
	idx  *idxfile.MemoryIndex
}

func openObjectDB(objects string) *objectDB {
	db := &objectDB{dirs: []string{objects}}
	db.addAlternates(objects, 0)
	return db
}

// addAlternates appends the object directories listed in
// dir/info/alternates (one a line; '#' comments and blank lines skipped;
// relative paths are relative to dir), to git's depth limit of 5.
func (db *objectDB) addAlternates(dir string, depth int) {
	if depth > 5 {
		return
	}
	b, err := os.ReadFile(filepath.Join(dir, "info", "alternates"))
	if err != nil {
		return
	}
	for _, line := range parseAlternates(b) {
		if !filepath.IsAbs(line) {
			line = filepath.Join(dir, line)
		}
		line = filepath.Clean(line)
		dup := false
		for _, d := range db.dirs {
			dup = dup || d == line
		}
		if fi, err := os.Stat(line); dup || err != nil || !fi.IsDir() {
			continue // git warns and skips a missing alternate
		}
		db.dirs = append(db.dirs, line)
		db.addAlternates(line, depth+1)
	}
}

// parseAlternates returns the paths in an alternates file. A C-quoted
// line ("...") is unquoted as git does.
func parseAlternates(b []byte) []string {
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSuffix(line, "\r")
		if line == "" || line[0] == '#' {
			continue
		}
		if line[0] == '"' {
			u, err := strconv.Unquote(line)
			if err != nil || u == "" {
				continue
			}
			line = u
		}
		out = append(out, line)
	}
	return out
}

// loosePath is dir/XX/YYYY... for h.
func loosePath(dir string, h plumbing.Hash) string {
	s := h.String()
	return filepath.Join(dir, s[:2], s[2:])
}

// loadPacks reads the .idx of every pack in every object directory once.
func (db *objectDB) loadPacks() error {
	if db.loaded {
		return nil
	}
	db.loaded = true
	for _, dir := range db.dirs {
		names, err := filepath.Glob(filepath.Join(dir, "pack", "pack-*.idx"))
		if err != nil {
			return err
		}
		sort.Strings(names)
		for _, n := range names {
			pack := strings.TrimSuffix(n, ".idx") + ".pack"
			if _, err := os.Stat(pack); err != nil {
				continue // an .idx without its pack is not a pack (yet)
			}
			f, err := os.Open(n)
			if err != nil {
				return fmt.Errorf("open pack index: %w", err)
			}
			idx := idxfile.NewMemoryIndex()
			err = idxfile.NewDecoder(f).Decode(idx)
			f.Close()
			if err != nil {
				return fmt.Errorf("read pack index %s: %w", filepath.Base(n), err)
			}
			db.packs = append(db.packs, &packIndex{pack: pack, idx: idx})
		}
	}
	return nil
}

// freshen reports whether the object is stored and its file (a pack
// holding it, else its loose file) could be given the current mtime, as
// git's freshen_packed_object and freshen_loose_object do. The clock is
// the real one: prune compares file times, not commit dates.
func (db *objectDB) freshen(h plumbing.Hash) (bool, error) {
	now := time.Now()
	if err := db.loadPacks(); err != nil {
		return false, err
	}
	for _, p := range db.packs {
		if ok, _ := p.idx.Contains(h); ok && os.Chtimes(p.pack, now, now) == nil {
			return true, nil
		}
	}
	for _, dir := range db.dirs {
		if os.Chtimes(loosePath(dir, h), now, now) == nil {
			return true, nil
		}
	}
	return false, nil
}

// read returns the type and content of an object, loose or packed
// (deltas resolved). The content's hash is checked.
func (db *objectDB) read(h plumbing.Hash) (plumbing.ObjectType, []byte, error) {
	for _, dir := range db.dirs {
		f, err := os.Open(loosePath(dir, h))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return plumbing.InvalidObject, nil, err
		}
		t, b, err := readLoose(f)
		f.Close()
		if err != nil {
			return plumbing.InvalidObject, nil, fmt.Errorf("object %s: %w", h, err)
		}
		return checkHash(h, t, b)
	}
	if err := db.loadPacks(); err != nil {
		return plumbing.InvalidObject, nil, err
	}
	for _, p := range db.packs {
		if ok, _ := p.idx.Contains(h); !ok {
			continue
		}
		t, b, err := p.read(h)
		if err != nil {
			return plumbing.InvalidObject, nil, fmt.Errorf("object %s in %s: %w", h, filepath.Base(p.pack), err)
		}
		return checkHash(h, t, b)
	}
	return plumbing.InvalidObject, nil, fmt.Errorf("%s: %w", h, errObjectNotFound)
}

func checkHash(h plumbing.Hash, t plumbing.ObjectType, b []byte) (plumbing.ObjectType, []byte, error) {
	if got := plumbing.ComputeHash(t, b); got != h {
		return plumbing.InvalidObject, nil, fmt.Errorf("object %s: corrupt (content hashes to %s)", h, got)
	}
	return t, b, nil
}

func readLoose(r io.Reader) (plumbing.ObjectType, []byte, error) {
	zr, err := objfile.NewReader(r)
	if err != nil {
		return plumbing.InvalidObject, nil, err
	}
	defer zr.Close()
	t, size, err := zr.Header()
	if err != nil {
		return plumbing.InvalidObject, nil, err
	}
	if size > 64<<20 {
		return plumbing.InvalidObject, nil, fmt.Errorf("object of %d bytes is too large", size)
	}
	b := make([]byte, size)
	if _, err := io.ReadFull(zr, b); err != nil {
		return plumbing.InvalidObject, nil, err
	}
	return t, b, nil
}

// packFile is an *os.File as the billy.File that packfile wants.
type packFile struct{ *os.File }

func (packFile) Lock() error   { return nil }
func (packFile) Unlock() error { return nil }

func (p *packIndex) read(h plumbing.Hash) (plumbing.ObjectType, []byte, error) {
	f, err := os.Open(p.pack)
	if err != nil {
		return plumbing.InvalidObject, nil, err
	}
	pf := packfile.NewPackfile(p.idx, nil, packFile{f}, 0)
	defer pf.Close()
	obj, err := pf.Get(h)
	if err != nil {
		return plumbing.InvalidObject, nil, err
	}
	rd, err := obj.Reader()
	if err != nil {
		return plumbing.InvalidObject, nil, err
	}
	defer rd.Close()
	b, err := io.ReadAll(rd)
	return obj.Type(), b, err
}

// write stores content as a loose object unless the object already
// exists, as git's write_object_file does: an existing object is
// freshened (its pack or loose file gets the current mtime, so that a
// concurrent `git gc --prune` does not take an old unreachable object
// the new commit now points to), or, where that fails (a read-only
// alternate), written anew; a new one is zlib-compressed into a temporary
// file tmp_obj_XXXXXX (mode 0444) in the fan-out directory (created if
// missing), then hard-linked to its name (renamed where links are not
// supported) and the temporary name removed. Like git's default
// core.fsync, loose objects are not fsynced.
func (db *objectDB) write(t plumbing.ObjectType, content []byte) (plumbing.Hash, error) {
	h := plumbing.ComputeHash(t, content)
	if ok, err := db.freshen(h); err != nil || ok {
		return h, err
	}
	final := loosePath(db.dirs[0], h)
	dir := filepath.Dir(final)
	f, tmp, err := createTemp(dir)
	if errors.Is(err, fs.ErrNotExist) {
		if err = os.Mkdir(dir, 0o777); err == nil || errors.Is(err, fs.ErrExist) {
			f, tmp, err = createTemp(dir)
		}
	}
	if err != nil {
		return h, fmt.Errorf("write object: %w", err)
	}
	defer os.Remove(tmp)
	w := objfile.NewWriter(f)
	err = w.WriteHeader(t, int64(len(content)))
	if err == nil {
		_, err = w.Write(content)
	}
	if err == nil {
		err = w.Close()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return h, fmt.Errorf("write object: %w", err)
	}
	if err := os.Link(tmp, final); err != nil && !errors.Is(err, fs.ErrExist) {
		if err := os.Rename(tmp, final); err != nil {
			return h, fmt.Errorf("write object: %w", err)
		}
	}
	return h, nil
}

func createTemp(dir string) (*os.File, string, error) {
	const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	for range 100 {
		var b [6]byte
		for i := range b {
			b[i] = letters[rand.IntN(len(letters))]
		}
		name := filepath.Join(dir, "tmp_obj_"+string(b[:]))
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o444)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, name, err
	}
	return nil, "", errors.New("cannot create a temporary object file")
}

// treeEntry is one entry of a tree object.
type treeEntry struct {
	name string
	mode filemode.FileMode
	hash plumbing.Hash
}

// sortTree orders entries as git does: by name, a directory compared as
// if its name ended in "/".
func sortTree(e []treeEntry) {
	key := func(t treeEntry) string {
		if t.mode == filemode.Dir {
			return t.name + "/"
		}
		return t.name
	}
	sort.Slice(e, func(i, j int) bool { return key(e[i]) < key(e[j]) })
}

// encodeTree is the content of a tree object: for each entry (already in
// git's order) the octal mode without leading zeros, a space, the name, a
// NUL and the binary hash.
func encodeTree(entries []treeEntry) []byte {
	var b bytes.Buffer
	for _, e := range entries {
		b.WriteString(strconv.FormatUint(uint64(e.mode), 8))
		b.WriteByte(' ')
		b.WriteString(e.name)
		b.WriteByte(0)
		b.Write(e.hash[:])
	}
	return b.Bytes()
}

// parseTree splits a tree object into its entries. Modes are returned as
// written (use canonicalMode to compare); names must be non-empty and
// hold no '/' or NUL.
func parseTree(b []byte) ([]treeEntry, error) {
	var out []treeEntry
	for len(b) > 0 {
		sp := bytes.IndexByte(b, ' ')
		if sp <= 0 || sp > 7 {
			return nil, errors.New("malformed tree entry mode")
		}
		m, err := strconv.ParseUint(string(b[:sp]), 8, 32)
		if err != nil || b[0] == '+' {
			return nil, errors.New("malformed tree entry mode")
		}
		b = b[sp+1:]
		nul := bytes.IndexByte(b, 0)
		if nul <= 0 || bytes.IndexByte(b[:nul], '/') >= 0 {
			return nil, errors.New("malformed tree entry name")
		}
		name := string(b[:nul])
		b = b[nul+1:]
		if len(b) < len(plumbing.Hash{}) {
			return nil, errors.New("truncated tree entry")
		}
		var h plumbing.Hash
		copy(h[:], b)
		b = b[len(h):]
		out = append(out, treeEntry{name: name, mode: filemode.FileMode(m), hash: h})
	}
	return out, nil
}

// canonicalMode maps a tree mode to the one git uses when it compares
// (canon_mode): 100755 for any executable file, 100644 for other files.
func canonicalMode(m filemode.FileMode) filemode.FileMode {
	switch m & 0o170000 {
	case 0o040000:
		return filemode.Dir
	case 0o120000:
		return filemode.Symlink
	case 0o160000:
		return filemode.Submodule
	case 0o100000:
		if m&0o111 != 0 {
			return filemode.Executable
		}
		return filemode.Regular
	}
	return m
}

// signature is a commit's author or committer.
type signature struct {
	Name, Email string
	When        time.Time
}

// String is "Name <email> UNIX ±hhmm" as in a commit header (a time before
// 1970 is written as 0, as go-git wrote it).
func (s signature) String() string {
	u := s.When.Unix()
	if u < 0 {
		u = 0
	}
	return s.Name + " <" + s.Email + "> " + strconv.FormatInt(u, 10) + " " + s.When.Format("-0700")
}

// commit is the part of a commit object that passstore writes and reads.
type commit struct {
	tree      plumbing.Hash
	parents   []plumbing.Hash
	author    signature
	committer signature
	gpgsig    string // armored signature, or ""
	message   string
}

// encode is the commit object's content as git writes it: tree, parents,
// author, committer, then the gpgsig header if withSig (each following
// line of the signature indented by one space, as a header continuation),
// a blank line and the message. The content without the signature is
// what gets signed.
func (c *commit) encode(withSig bool) []byte {
	var b bytes.Buffer
	b.WriteString("tree " + c.tree.String() + "\n")
	for _, p := range c.parents {
		b.WriteString("parent " + p.String() + "\n")
	}
	b.WriteString("author " + c.author.String() + "\n")
	b.WriteString("committer " + c.committer.String() + "\n")
	if withSig && c.gpgsig != "" {
		sig := strings.TrimSuffix(c.gpgsig, "\n")
		b.WriteString("gpgsig " + strings.ReplaceAll(sig, "\n", "\n ") + "\n")
	}
	b.WriteString("\n")
	b.WriteString(c.message)
	return b.Bytes()
}

// parseCommitHeader returns the tree and parents of a commit object. The
// header must start with exactly one "tree HEX" line followed by any
// "parent HEX" lines, as git's parser requires; the rest is not examined.
func parseCommitHeader(b []byte) (tree plumbing.Hash, parents []plumbing.Hash, err error) {
	line := func(prefix string) (plumbing.Hash, bool) {
		n := len(prefix) + 40
		if len(b) < n+1 || string(b[:len(prefix)]) != prefix || b[n] != '\n' {
			return plumbing.ZeroHash, false
		}
		hex := string(b[len(prefix):n])
		if !isHex(hex) {
			return plumbing.ZeroHash, false
		}
		b = b[n+1:]
		return plumbing.NewHash(hex), true
	}
	tree, ok := line("tree ")
	if !ok {
		return plumbing.ZeroHash, nil, errors.New("malformed commit: no tree line")
	}
	for {
		p, ok := line("parent ")
		if !ok {
			break
		}
		parents = append(parents, p)
	}
	return tree, parents, nil
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') && (c < 'A' || c > 'F') {
			return false
		}
	}
	return true
}

// readTreeOf returns the root tree of a commit.
func (db *objectDB) readTreeOf(c plumbing.Hash) (plumbing.Hash, error) {
	t, b, err := db.read(c)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if t != plumbing.CommitObject {
		return plumbing.ZeroHash, fmt.Errorf("object %s is a %s, not a commit", c, t)
	}
	tree, _, err := parseCommitHeader(b)
	return tree, err
}

// findEntry looks up a slash-separated path below the tree root. Not
// found: ok false and no error.
func (db *objectDB) findEntry(root plumbing.Hash, path string) (e treeEntry, ok bool, err error) {
	cur := root
	parts := strings.Split(path, "/")
	for i, p := range parts {
		t, b, err := db.read(cur)
		if err != nil {
			return treeEntry{}, false, err
		}
		if t != plumbing.TreeObject {
			return treeEntry{}, false, fmt.Errorf("object %s is a %s, not a tree", cur, t)
		}
		entries, err := parseTree(b)
		if err != nil {
			return treeEntry{}, false, fmt.Errorf("tree %s: %w", cur, err)
		}
		found := false
		for _, x := range entries {
			if x.name != p {
				continue
			}
			x.mode = canonicalMode(x.mode)
			if i == len(parts)-1 {
				return x, true, nil
			}
			if x.mode != filemode.Dir {
				return treeEntry{}, false, nil
			}
			cur, found = x.hash, true
			break
		}
		if !found {
			return treeEntry{}, false, nil
		}
	}
	return treeEntry{}, false, nil
}

// errRefNotFound means neither a loose ref nor a packed-refs line.
var errRefNotFound = errors.New("reference not found")

// refDir is the directory holding ref name's file: the work tree's own
// git directory for HEAD and the per-worktree refs (refs/worktree/,
// refs/bisect/, refs/rewritten/), the common directory otherwise.
func (r *repo) refDir(name string) string {
	if name == "HEAD" || strings.HasPrefix(name, "refs/worktree/") || strings.HasPrefix(name, "refs/bisect/") ||
		strings.HasPrefix(name, "refs/rewritten/") {
		return r.gitDir
	}
	return r.common
}

func (r *repo) refPath(name string) string {
	return filepath.Join(r.refDir(name), filepath.FromSlash(name))
}

// readRef reads a ref: its hash, or for a symbolic ref the name it points
// to. A loose ref wins over packed-refs (in the common directory).
func (r *repo) readRef(name string) (h plumbing.Hash, target string, err error) {
	b, err := os.ReadFile(r.refPath(name))
	if err == nil {
		return parseLooseRef(b)
	}
	if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.EISDIR) && !errors.Is(err, syscall.ENOTDIR) {
		return plumbing.ZeroHash, "", err
	}
	if name == "HEAD" || r.refDir(name) != r.common {
		return plumbing.ZeroHash, "", errRefNotFound
	}
	b, err = os.ReadFile(filepath.Join(r.common, "packed-refs"))
	if errors.Is(err, fs.ErrNotExist) {
		return plumbing.ZeroHash, "", errRefNotFound
	}
	if err != nil {
		return plumbing.ZeroHash, "", err
	}
	h, ok, err := findPackedRef(b, name)
	if err != nil {
		return plumbing.ZeroHash, "", fmt.Errorf("packed-refs: %w", err)
	}
	if !ok {
		return plumbing.ZeroHash, "", errRefNotFound
	}
	return h, "", nil
}

// parseLooseRef is a loose ref file: "ref: NAME" (symbolic) or 40 hex
// digits, then optional white space.
func parseLooseRef(b []byte) (plumbing.Hash, string, error) {
	s := string(b)
	if t, ok := strings.CutPrefix(s, "ref:"); ok {
		t = strings.TrimSpace(t)
		if t == "" {
			return plumbing.ZeroHash, "", errors.New("malformed symbolic ref")
		}
		return plumbing.ZeroHash, t, nil
	}
	if len(s) < 40 || !isHex(s[:40]) || len(s) > 40 && !strings.ContainsRune(" \t\n\r\v\f", rune(s[40])) {
		return plumbing.ZeroHash, "", errors.New("malformed ref")
	}
	return plumbing.NewHash(s[:40]), "", nil
}

// findPackedRef looks name up in a packed-refs file: "# pack-refs with:"
// header, "HEX NAME" lines, each possibly followed by a "^HEX" line with
// the peeled value of an annotated tag.
func findPackedRef(b []byte, name string) (plumbing.Hash, bool, error) {
	for len(b) > 0 {
		var line []byte
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			line, b = b, nil
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		if line[0] == '^' {
			if len(line) != 41 || !isHex(string(line[1:])) {
				return plumbing.ZeroHash, false, errors.New("malformed peeled line")
			}
			continue
		}
		if len(line) < 42 || line[40] != ' ' || !isHex(string(line[:40])) {
			return plumbing.ZeroHash, false, errors.New("malformed line")
		}
		if string(line[41:]) == name {
			return plumbing.NewHash(string(line[:40])), true, nil
		}
	}
	return plumbing.ZeroHash, false, nil
}

// validRefName accepts the names a HEAD or symbolic ref may point to:
// refs/... that git check-ref-format accepts and that stays below refs/.
func validRefName(n string) bool {
	rn := plumbing.ReferenceName(n)
	return strings.HasPrefix(n, "refs/") && rn.IsSafe() && rn.Validate() == nil
}

// resolveHead follows HEAD to the ref a commit moves: the branch it
// (through symbolic refs) names, or HEAD itself when detached. The hash
// is zero on an unborn branch. A name git would refuse, or a chain longer
// than git's limit of 5, hands over to the git binary.
func (r *repo) resolveHead() (ref string, h plumbing.Hash, err error) {
	ref = "HEAD"
	for depth := 0; ; depth++ {
		h, target, err := r.readRef(ref)
		if errors.Is(err, errRefNotFound) && ref != "HEAD" {
			return ref, plumbing.ZeroHash, nil // unborn branch
		}
		if err != nil {
			return "", plumbing.ZeroHash, fmt.Errorf("read %s: %w", ref, err)
		}
		if target == "" {
			return ref, h, nil
		}
		if depth >= 5 || !validRefName(target) {
			return "", plumbing.ZeroHash, errNeedGit
		}
		ref = target
	}
}
