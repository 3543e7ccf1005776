package passstore

// All go-git use lives in the git*.go files. Only go-git's light packages
// are used (plumbing, the index, object-file and pack formats): its
// top-level, storage and object packages cost process start-up time
// (transport dependencies, encoding/gob and regexps initialised at start;
// issue 3), so gitobj.go reads and writes objects and refs itself.

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/index"
)

// ErrUnmerged means the index holds unmerged paths, so git would refuse to
// commit. The entry stays written and staged.
var ErrUnmerged = errors.New("committing is not possible because you have unmerged files")

// ErrSignWithGit, wrapped in an error from [Options.Signer] or from
// [Signer.Sign], means the signer cannot sign this commit itself but gpg
// may (for example, no secret key file and no agent key for the signing
// key): [Store.Commit] then has git commit -S make the commit instead of
// failing.
var ErrSignWithGit = errors.New("signature left to git commit -S")

// errNeedGit makes the native path hand over to the git binary.
var errNeedGit = errors.New("needs the git binary")

// repo is a discovered git work tree.
type repo struct {
	workTree string // absolute, symlinks resolved
	gitDir   string // .git, or where a gitdir file points
	common   string // gitDir, or its commondir (linked work trees)
}

// Commit records the entry name in the nearest git work tree between the
// entry's directory and PREFIX, as pass's git_add_file: the entry file is
// staged, and if it then differs from HEAD the whole index is committed
// with exactly subject as its message. A symlinked entry is recorded at
// its target (the file that changed). No repository: nil. The caller
// holds the store lock; git's own index.lock is honoured.
//
// The commit is made natively, except that the git binary (found in
// [Options.Env]'s PATH) runs it when the repository has executable commit
// hooks, when gitattributes may filter or convert the file, when
// core.ignoreCase is set, when a git config file is malformed (git then
// refuses with its own message), when a
// signature is required and [Options.Signer] is nil, gpg.format is not
// openpgp or the signer returns an error wrapping [ErrSignWithGit], or when the index uses features go-git cannot read or write. Errors (including the git binary's output) are for a diagnostic;
// the entry is written either way.
func (s *Store) Commit(name, subject string) error {
	if err := CheckName(name); err != nil {
		return err
	}
	file, _, err := s.target(name)
	if err != nil {
		return fmt.Errorf("git: %w", err)
	}
	root, err := s.realPrefix()
	if err != nil {
		return fmt.Errorf("git: %w", err)
	}
	dir, err := filepath.EvalSymlinks(filepath.Dir(file))
	if err != nil {
		return fmt.Errorf("git: %w", err)
	}
	dir, _ = filepath.Abs(dir)
	file = filepath.Join(dir, filepath.Base(file))
	r := findRepo(dir, root)
	if r == nil {
		return nil
	}
	rel, err := filepath.Rel(r.workTree, file)
	if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		return nil
	}
	rel = filepath.ToSlash(rel)
	cfg := s.loadConfig(r)
	signFlag := cfg.boolean("pass.signcommits") && !s.o.IgnoreSignCommits // pass's git commit -S
	sign := signFlag || cfg.boolean("commit.gpgsign")
	// core.ignoreCase (macOS, Windows file systems): git matches index
	// names case-insensitively; leave that to git.
	// A malformed config file: git dies on it ("bad config line N"), and
	// its words are the ones to report.
	useGit := cfg.err != nil || r.hasHooks(cfg) || r.needsFilters(cfg, rel) || cfg.boolean("core.ignorecase")
	if sign && (s.o.Signer == nil || (cfg.get("gpg.format") != "" && !strings.EqualFold(cfg.get("gpg.format"), "openpgp"))) {
		useGit = true
	}
	if !useGit {
		err = s.commitNative(r, cfg, rel, subject, sign)
		if !errors.Is(err, errNeedGit) {
			return err
		}
	}
	return s.commitExec(r, rel, subject, signFlag)
}

// findRepo returns the nearest work tree from dir up to root (both
// absolute and resolved), never above root.
func findRepo(dir, root string) *repo {
	for d := dir; ; {
		if r := workTreeAt(d); r != nil {
			return r
		}
		if d == root || !inside(d, root) {
			return nil
		}
		p := filepath.Dir(d)
		if p == d {
			return nil
		}
		d = p
	}
}

// workTreeAt reports a work tree whose top is d: d/.git is a git
// directory, or a file "gitdir: PATH".
func workTreeAt(d string) *repo {
	g := filepath.Join(d, ".git")
	fi, err := os.Stat(g)
	if err != nil {
		return nil
	}
	gitDir := g
	if fi.Mode().IsRegular() {
		b, err := os.ReadFile(g)
		if err != nil || !bytes.HasPrefix(b, []byte("gitdir: ")) {
			return nil
		}
		gitDir = strings.TrimSpace(string(b[len("gitdir: "):]))
		if !filepath.IsAbs(gitDir) {
			gitDir = filepath.Join(d, gitDir)
		}
	} else if !fi.IsDir() {
		return nil
	}
	if _, err := os.Stat(filepath.Join(gitDir, "HEAD")); err != nil {
		return nil
	}
	common := gitDir
	if b, err := os.ReadFile(filepath.Join(gitDir, "commondir")); err == nil {
		c := strings.TrimSpace(string(b))
		if !filepath.IsAbs(c) {
			c = filepath.Join(gitDir, c)
		}
		common = filepath.Clean(c)
	}
	return &repo{workTree: d, gitDir: gitDir, common: common}
}

// hasHooks reports executable hooks that git commit would run.
func (r *repo) hasHooks(cfg *gitConfig) bool {
	dir := filepath.Join(r.common, "hooks")
	if p := cfg.get("core.hookspath"); p != "" {
		p = expandHome(p, cfg.home)
		if !filepath.IsAbs(p) {
			p = filepath.Join(r.workTree, p)
		}
		dir = p
	}
	for _, h := range []string{"pre-commit", "prepare-commit-msg", "commit-msg", "post-commit", "post-index-change", "reference-transaction"} {
		fi, err := os.Stat(filepath.Join(dir, h))
		if err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return true
		}
	}
	return false
}

func (s *Store) commitNative(r *repo, cfg *gitConfig, rel, subject string, sign bool) error {
	if f := strings.ToLower(cfg.get("extensions.objectformat")); f != "" && f != "sha1" {
		return errNeedGit
	}
	if f := strings.ToLower(cfg.get("extensions.refstorage")); f != "" && f != "files" {
		return errNeedGit
	}
	// A shared repository's files get group permissions git computes.
	if v := strings.ToLower(cfg.get("core.sharedrepository")); v != "" && v != "umask" && v != "false" && v != "no" && v != "off" && v != "0" {
		return errNeedGit
	}
	db := openObjectDB(filepath.Join(r.common, "objects"))

	// git add: lock and read the index, write the blob, update the entry.
	indexPath := filepath.Join(r.gitDir, "index")
	unlockIndex, err := lockFile(indexPath)
	if err != nil {
		return fmt.Errorf("git: %w", err)
	}
	defer unlockIndex()
	idx := &index.Index{Version: 2}
	if f, err := os.Open(indexPath); err == nil {
		err = index.NewDecoder(f).Decode(idx)
		f.Close()
		if err != nil {
			// Split or sparse index, index.skipHash, a newer format...:
			// git knows what to do.
			return errNeedGit
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("git: read index: %w", err)
	}
	tracked := false
	for _, e := range idx.Entries {
		tracked = tracked || e.Name == rel
	}
	if !tracked && r.ignored(cfg, rel) {
		return fmt.Errorf("git: %s: %w", rel, ErrIgnored)
	}
	abs := filepath.Join(r.workTree, filepath.FromSlash(rel))
	content, err := os.ReadFile(abs)
	if err != nil {
		return fmt.Errorf("git: %w", err)
	}
	fi, err := os.Lstat(abs)
	if err != nil {
		return fmt.Errorf("git: %w", err)
	}
	blob, err := db.write(plumbing.BlobObject, content)
	if err != nil {
		return fmt.Errorf("git: %w", err)
	}
	mode := filemode.Regular
	if fi.Mode()&0o111 != 0 && !cfg.isFalse("core.filemode") {
		mode = filemode.Executable
	}
	// Drop every stage of the path (git add resolves a conflict), and
	// entries that would make a directory/file conflict with it (a stale
	// "rel/..." or a file where rel needs a directory), as git add does;
	// then add stage 0.
	kept := idx.Entries[:0]
	for _, e := range idx.Entries {
		if e.Name != rel && !strings.HasPrefix(e.Name, rel+"/") && !strings.HasPrefix(rel, e.Name+"/") {
			kept = append(kept, e)
		}
	}
	idx.Entries = kept
	e := &index.Entry{Name: rel, Hash: blob, Mode: mode, Size: uint32(fi.Size()), ModifiedAt: fi.ModTime()}
	if sys, ok := fi.Sys().(*syscall.Stat_t); ok {
		e.Dev, e.Inode, e.UID, e.GID = uint32(sys.Dev), uint32(sys.Ino), sys.Uid, sys.Gid
		e.CreatedAt = statCtime(sys)
	}
	idx.Entries = append(idx.Entries, e)
	for _, x := range idx.Entries {
		if (x.IntentToAdd || x.SkipWorktree) && idx.Version < 3 {
			idx.Version = 3
		}
	}
	idx.Cache, idx.ResolveUndo, idx.EndOfIndexEntry = nil, nil, nil
	if err := writeIndex(indexPath, idx); err != nil {
		return err
	}

	// git status --porcelain PATH: does the staged file differ from HEAD?
	// What cannot be read natively (a HEAD or ref git would refuse, an
	// object of a partial clone's promisor, a damaged or unusual pack) is
	// left to git, which fetches it, reads it or names the damage.
	refName, parent, err := r.resolveHead()
	if err != nil {
		return errNeedGit
	}
	if !parent.IsZero() {
		root, err := db.readTreeOf(parent)
		if err != nil {
			return errNeedGit
		}
		te, ok, err := db.findEntry(root, rel)
		if err != nil {
			return errNeedGit
		}
		if ok && te.hash == blob && te.mode == mode {
			return nil // nothing to commit for this file
		}
	}

	// git commit: the whole index.
	for _, x := range idx.Entries {
		if x.Stage != 0 {
			return fmt.Errorf("git: %w", ErrUnmerged)
		}
	}
	tree, err := buildTree(db, idx.Entries)
	if err != nil {
		return err
	}
	msg := cleanupMessage(subject)
	if msg == "" {
		return fmt.Errorf("git: aborting commit due to empty commit message")
	}
	author, committer, err := s.identity(cfg)
	if err != nil {
		return fmt.Errorf("git: %w", err)
	}
	c := &commit{tree: tree, author: author, committer: committer, message: msg}
	if !parent.IsZero() {
		c.parents = []plumbing.Hash{parent}
	}
	if sign {
		keyID := cfg.get("user.signingkey")
		if keyID == "" {
			keyID = committer.Name + " <" + committer.Email + ">"
		}
		signer, err := s.o.Signer(keyID)
		if errors.Is(err, ErrSignWithGit) {
			return errNeedGit
		}
		if err != nil {
			return fmt.Errorf("git: signed commit requested (pass.signcommits or commit.gpgsign) but no signer: %w", err)
		}
		sig, err := signer.Sign(bytes.NewReader(c.encode(false)))
		if errors.Is(err, ErrSignWithGit) {
			return errNeedGit
		}
		if err != nil {
			return fmt.Errorf("git: sign commit: %w", err)
		}
		c.gpgsig = string(sig)
	}
	h, err := db.write(plumbing.CommitObject, c.encode(true))
	if err != nil {
		return fmt.Errorf("git: write commit: %w", err)
	}

	// Move the branch (or a detached HEAD) with git's lock protocol.
	refPath := r.refPath(refName)
	if err := os.MkdirAll(filepath.Dir(refPath), 0o777); err != nil {
		return fmt.Errorf("git: %w", err)
	}
	unlockRef, err := lockFile(refPath)
	if err != nil {
		return fmt.Errorf("git: %w", err)
	}
	defer unlockRef()
	now, target, err := r.readRef(refName)
	if err != nil && !errors.Is(err, errRefNotFound) {
		return fmt.Errorf("git: read %s: %w", refName, err)
	}
	if now != parent || target != "" {
		return fmt.Errorf("git: %s moved during the commit", refName)
	}
	if err := commitLock(refPath, []byte(h.String()+"\n")); err != nil {
		return fmt.Errorf("git: update %s: %w", refName, err)
	}
	// Reflogs, as git commit writes them.
	what := "commit"
	if parent.IsZero() {
		what = "commit (initial)"
	}
	line := fmt.Sprintf("%s %s %s <%s> %d %s\t%s: %s\n", parent, h, committer.Name, committer.Email,
		committer.When.Unix(), committer.When.Format("-0700"), what, strings.SplitN(msg, "\n", 2)[0])
	logAll := !cfg.isFalse("core.logallrefupdates")
	if refName != "HEAD" {
		appendReflog(filepath.Join(r.refDir(refName), "logs", filepath.FromSlash(refName)), line, logAll)
	}
	appendReflog(filepath.Join(r.gitDir, "logs", "HEAD"), line, logAll)
	return nil
}

// buildTree writes the trees for the stage-0 index entries (intent-to-add
// entries excluded, as git commit does) and returns the root tree.
func buildTree(db *objectDB, entries []*index.Entry) (plumbing.Hash, error) {
	type node struct {
		files []treeEntry
		dirs  map[string]*node
	}
	root := &node{dirs: map[string]*node{}}
	for _, e := range entries {
		if e.IntentToAdd {
			continue
		}
		parts := strings.Split(e.Name, "/")
		n := root
		for _, p := range parts[:len(parts)-1] {
			c := n.dirs[p]
			if c == nil {
				c = &node{dirs: map[string]*node{}}
				n.dirs[p] = c
			}
			n = c
		}
		n.files = append(n.files, treeEntry{name: parts[len(parts)-1], mode: e.Mode, hash: e.Hash})
	}
	var write func(n *node) (plumbing.Hash, error)
	write = func(n *node) (plumbing.Hash, error) {
		t := append([]treeEntry(nil), n.files...)
		for name, c := range n.dirs {
			h, err := write(c)
			if err != nil {
				return h, err
			}
			t = append(t, treeEntry{name: name, mode: filemode.Dir, hash: h})
		}
		sortTree(t)
		h, err := db.write(plumbing.TreeObject, encodeTree(t))
		if err != nil {
			return h, fmt.Errorf("git: write tree: %w", err)
		}
		return h, nil
	}
	return write(root)
}

// lockFile creates PATH.lock exclusively, as git does, and returns a
// function that removes it if it still exists.
func lockFile(path string) (func(), error) {
	f, err := os.OpenFile(path+".lock", os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("unable to create '%s.lock': file exists (another git process seems to be running)", path)
		}
		return nil, err
	}
	f.Close()
	return func() { os.Remove(path + ".lock") }, nil
}

// commitLock writes b to PATH.lock and renames it over PATH.
func commitLock(path string, b []byte) error {
	if err := os.WriteFile(path+".lock", b, 0o666); err != nil {
		return err
	}
	return os.Rename(path+".lock", path)
}

func writeIndex(path string, idx *index.Index) error {
	var buf bytes.Buffer
	if err := index.NewEncoder(&buf).Encode(idx); err != nil {
		if errors.Is(err, index.ErrUnsupportedVersion) {
			return errNeedGit
		}
		return fmt.Errorf("git: write index: %w", err)
	}
	if err := commitLock(path, buf.Bytes()); err != nil {
		return fmt.Errorf("git: write index: %w", err)
	}
	return nil
}

func appendReflog(path, line string, create bool) {
	if _, err := os.Stat(path); err != nil {
		if !create {
			return
		}
		if os.MkdirAll(filepath.Dir(path), 0o777) != nil {
			return
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o666)
	if err != nil {
		return
	}
	f.WriteString(line)
	f.Close()
}

// cleanupMessage applies git commit's default "whitespace" cleanup for a
// -m message: trailing white space of each line removed, leading and
// trailing blank lines dropped, runs of blank lines collapsed, and one
// final newline.
func cleanupMessage(m string) string {
	var out []string
	blank := false
	for _, l := range strings.Split(m, "\n") {
		l = strings.TrimRight(l, " \t\r\v\f")
		if l == "" {
			blank = len(out) > 0
			continue
		}
		if blank {
			out = append(out, "")
			blank = false
		}
		out = append(out, l)
	}
	if len(out) == 0 {
		return ""
	}
	return strings.Join(out, "\n") + "\n"
}
