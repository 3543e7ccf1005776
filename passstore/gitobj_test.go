package passstore

// Differential tests of gitobj.go against the git binary: the trees,
// commits, loose objects and ref updates it makes must be the ones git
// makes, and it must read what git writes (loose, packed with deltas,
// through alternates, packed-refs, worktrees, detached and unborn HEADs).

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/index"

	"github.com/passotp/passotp/internal/testkeys"
)

// nativeOnly returns env with a PATH that holds no git, so that a Store
// using it fails instead of falling back to the git binary: what commits
// then was made by gitobj.go.
func nativeOnly(t testing.TB, env []string) []string {
	t.Helper()
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "PATH=") {
			out = append(out, kv)
		}
	}
	return append(out, "PATH="+t.TempDir())
}

// nativeStore is gitStore whose Store cannot run git.
func nativeStore(t testing.TB, env []string) (*Store, string) {
	t.Helper()
	s, dir := gitStore(t, env)
	s.o.Env = nativeOnly(t, env)
	return s, dir
}

func revParse(t testing.TB, env []string, dir, rev string) string {
	t.Helper()
	return strings.TrimSpace(gitIn(t, env, dir, "rev-parse", "--verify", "-q", rev))
}

func readIndex(t testing.TB, path string) *index.Index {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	idx := &index.Index{}
	if err := index.NewDecoder(f).Decode(idx); err != nil {
		t.Fatal(err)
	}
	return idx
}

// TestTreeLikeWriteTree: for the same index, buildTree writes the trees
// git write-tree writes (order of tricky names, modes, nesting,
// intent-to-add entries left out).
func TestTreeLikeWriteTree(t *testing.T) {
	t.Parallel()
	testkeys.Require(t, "git")
	env := gitEnvFor(t, identEnv...)
	dir := t.TempDir()
	gitIn(t, env, dir, "init", "-q")
	files := []string{"foo.bar", "foo/bar", "foo/bar.x", "foo-", "foo0", "a/b/c/d", "a/b.c", "a/b-c", "a/b/c.d",
		"Z", "z", "é", "sp ace", ".hidden", "x/.gpg-id", "aws/alice.gpg", "aws-old.gpg", "aws.gpg"}
	for i, f := range files {
		writeFile(t, filepath.Join(dir, f), strconv.Itoa(i)+"\n")
	}
	os.Chmod(filepath.Join(dir, "foo0"), 0o755)
	os.Symlink("foo.bar", filepath.Join(dir, "link"))
	gitIn(t, env, dir, "add", ".")
	// A gitlink (submodule) entry and an intent-to-add file.
	gitIn(t, env, dir, "update-index", "--add", "--cacheinfo", "160000,"+strings.Repeat("ab", 20)+",sub")
	writeFile(t, filepath.Join(dir, "later/ita"), "ita\n")
	gitIn(t, env, dir, "add", "-N", "later/ita")

	want := strings.TrimSpace(gitIn(t, env, dir, "write-tree"))
	db := openObjectDB(filepath.Join(dir, ".git", "objects"))
	got, err := buildTree(db, readIndex(t, filepath.Join(dir, ".git", "index")).Entries)
	if err != nil {
		t.Fatal(err)
	}
	if got.String() != want {
		t.Errorf("buildTree = %s, git write-tree = %s\nls-tree of ours:\n%s", got, want, gitIn(t, env, dir, "ls-tree", "-r", "-t", got.String()))
	}
	// The encoding round-trips through git's own view of the root tree.
	_, b, err := db.read(got)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := parseTree(b)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, e := range entries {
		typ := "blob"
		switch e.mode {
		case filemode.Dir:
			typ = "tree"
		case filemode.Submodule:
			typ = "commit"
		}
		lines = append(lines, fmt.Sprintf("%06o %s %s\t%s", uint32(e.mode), typ, e.hash, e.name))
	}
	if ls := gitIn(t, env, dir, "-c", "core.quotePath=false", "ls-tree", "--full-tree", want); ls != strings.Join(lines, "\n")+"\n" {
		t.Errorf("git ls-tree:\n%s\nparseTree:\n%s", ls, strings.Join(lines, "\n"))
	}
}

// TestCommitEncodingLikeGit: the commit object encode makes is byte for
// byte the one git commit-tree makes with the same tree, parents,
// identities, dates and message.
func TestCommitEncodingLikeGit(t *testing.T) {
	t.Parallel()
	testkeys.Require(t, "git")
	env := gitEnvFor(t)
	dir := t.TempDir()
	gitIn(t, env, dir, "init", "-q")
	tree := strings.TrimSpace(gitIn(t, env, dir, "write-tree"))
	root := strings.TrimSpace(gitIn(t, append(env, identEnv...), dir, "commit-tree", tree, "-m", "root"))
	other := strings.TrimSpace(gitIn(t, append(env, identEnv...), dir, "commit-tree", tree, "-m", "other"))
	tests := []struct {
		name              string
		parents           []string
		author, committer signature
		msg               string
	}{
		{"initial", nil, signature{"Ann Author", "ann@example.org", time.Unix(1795431600, 0).In(time.FixedZone("", 3600))},
			signature{"Carl Committer", "carl@example.org", time.Unix(1795431600, 0).In(time.FixedZone("", 3600))}, "Add OTP secret for x to store.\n"},
		{"parent, negative half-hour zone", []string{root}, signature{"Ann", "a@b", time.Unix(1700000000, 0).In(time.FixedZone("", -(9*3600 + 1800)))},
			signature{"Carl", "c@d", time.Unix(1700000001, 0).In(time.FixedZone("", 5*3600+45*60))}, "Increment HOTP counter for aws/alice.\n"},
		{"utc, unicode", []string{root}, signature{"Zoë Ünïcode", "zoë@example.org", time.Unix(86400, 0).UTC()},
			signature{"名前", "x@example.org", time.Unix(2000000000, 0).UTC()}, "subject\n\nbody line\n"},
		{"two parents", []string{root, other}, signature{"A", "a@x", time.Unix(1, 0).UTC()},
			signature{"C", "c@x", time.Unix(2, 0).UTC()}, "merge\n"},
	}
	db := openObjectDB(filepath.Join(dir, ".git", "objects"))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &commit{tree: plumbing.NewHash(tree), author: tt.author, committer: tt.committer, message: tt.msg}
			args := []string{"commit-tree", tree}
			for _, p := range tt.parents {
				c.parents = append(c.parents, plumbing.NewHash(p))
				args = append(args, "-p", p)
			}
			cenv := append(gitEnvFor(t),
				"GIT_AUTHOR_NAME="+tt.author.Name, "GIT_AUTHOR_EMAIL="+tt.author.Email,
				"GIT_AUTHOR_DATE=@"+strconv.FormatInt(tt.author.When.Unix(), 10)+" "+tt.author.When.Format("-0700"),
				"GIT_COMMITTER_NAME="+tt.committer.Name, "GIT_COMMITTER_EMAIL="+tt.committer.Email,
				"GIT_COMMITTER_DATE=@"+strconv.FormatInt(tt.committer.When.Unix(), 10)+" "+tt.committer.When.Format("-0700"))
			cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
			cmd.Env, cmd.Stdin = cenv, strings.NewReader(tt.msg)
			out, err := cmd.Output()
			if err != nil {
				t.Fatal(err)
			}
			want := strings.TrimSpace(string(out))
			h, err := db.write(plumbing.CommitObject, c.encode(true))
			if err != nil {
				t.Fatal(err)
			}
			if h.String() != want {
				t.Errorf("commit %s, git commit-tree made %s:\nours:\n%s\ngit's:\n%s", h, want, c.encode(true), gitIn(t, env, dir, "cat-file", "commit", want))
			}
			if got := gitIn(t, env, dir, "cat-file", "-p", h.String()); got != string(c.encode(true)) {
				t.Errorf("git cat-file -p:\n%s\nwant:\n%s", got, c.encode(true))
			}
			gotTree, gotParents, err := parseCommitHeader(c.encode(true))
			if err != nil || gotTree.String() != tree || len(gotParents) != len(tt.parents) {
				t.Errorf("parseCommitHeader = %s %v %v", gotTree, gotParents, err)
			}
		})
	}
	gitIn(t, env, dir, "fsck", "--strict", "--no-progress")
}

// parseIdent reads "Name <email> UNIX ±hhmm" (test helper).
func parseIdent(t testing.TB, s string) signature {
	t.Helper()
	lt, gt := strings.LastIndex(s, " <"), strings.LastIndex(s, "> ")
	f := strings.Fields(s[gt+2:])
	sec, err := strconv.ParseInt(f[0], 10, 64)
	if lt < 0 || gt < lt || len(f) != 2 || err != nil {
		t.Fatalf("ident %q", s)
	}
	tz, err := time.Parse("-0700", f[1])
	if err != nil {
		t.Fatal(err)
	}
	return signature{Name: s[:lt], Email: s[lt+2 : gt], When: time.Unix(sec, 0).In(tz.Location())}
}

// TestSignedCommitEncodingLikeGit: a commit git commit -S made, taken
// apart and re-encoded, gives git's bytes back (the gpgsig header and its
// continuation lines), and the payload without the signature is the one
// gpg verifies.
func TestSignedCommitEncodingLikeGit(t *testing.T) {
	t.Parallel()
	testkeys.RequireGPG(t)
	testkeys.Require(t, "git")
	home := testkeys.Home(t)
	env := gitEnvFor(t, append(identEnv, "GNUPGHOME="+home)...)
	dir := t.TempDir()
	gitIn(t, env, dir, "init", "-q")
	gitIn(t, env, dir, "config", "user.signingkey", testkeys.Cv25519.Fpr)
	gitIn(t, env, dir, "commit", "-q", "--allow-empty", "-m", "first")
	gitIn(t, env, dir, "commit", "-q", "-S", "--allow-empty", "-m", "Signed by git.")
	raw := gitIn(t, env, dir, "cat-file", "commit", "HEAD")
	head, msg, _ := strings.Cut(raw, "\n\n")
	c := &commit{message: msg}
	var sig []string
	for _, l := range strings.Split(head, "\n") {
		k, v, _ := strings.Cut(l, " ")
		switch k {
		case "tree":
			c.tree = plumbing.NewHash(v)
		case "parent":
			c.parents = append(c.parents, plumbing.NewHash(v))
		case "author":
			c.author = parseIdent(t, v)
		case "committer":
			c.committer = parseIdent(t, v)
		case "gpgsig":
			sig = append(sig, v)
		case "":
			sig = append(sig, v)
		default:
			t.Fatalf("unexpected header %q", l)
		}
	}
	c.gpgsig = strings.Join(sig, "\n") + "\n"
	if got := string(c.encode(true)); got != raw {
		t.Errorf("re-encoded signed commit:\n%s\ngit's:\n%s", got, raw)
	}
	payload := c.encode(false)
	sigFile := filepath.Join(t.TempDir(), "sig.asc")
	if err := os.WriteFile(sigFile, []byte(c.gpgsig), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := testkeys.RunGPG(home, payload, "--verify", sigFile, "-"); err != nil {
		t.Errorf("gpg does not verify the payload without gpgsig: %v", err)
	}
}

// catAll returns every object of the repository as git cat-file --batch
// shows it.
func catAll(t testing.TB, env []string, dir string) map[string][2]string {
	t.Helper()
	cmd := exec.Command("git", "-C", dir, "cat-file", "--batch-all-objects", "--batch", "--unordered")
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	objs := map[string][2]string{}
	r := bufio.NewReader(bytes.NewReader(out))
	for {
		hdr, err := r.ReadString('\n')
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		f := strings.Fields(hdr)
		n, _ := strconv.Atoi(f[2])
		b := make([]byte, n+1)
		if _, err := io.ReadFull(r, b); err != nil {
			t.Fatal(err)
		}
		objs[f[0]] = [2]string{f[1], string(b[:n])}
	}
	return objs
}

// TestObjectDBReadsWhatGitWrites: every object of a repository with
// history reads back as git cat-file shows it, loose, after git gc
// --aggressive and after git repack -adf (packed with delta chains).
func TestObjectDBReadsWhatGitWrites(t *testing.T) {
	t.Parallel()
	testkeys.Require(t, "git")
	env := gitEnvFor(t, identEnv...)
	dir := t.TempDir()
	gitIn(t, env, dir, "init", "-q")
	var big strings.Builder
	for i := range 400 {
		fmt.Fprintf(&big, "line %d of a file that changes a little each commit\n", i)
	}
	for i := range 12 {
		writeFile(t, filepath.Join(dir, "big.txt"), big.String()+strings.Repeat("tail\n", i))
		writeFile(t, filepath.Join(dir, fmt.Sprintf("d%d/e%d", i%3, i)), strconv.Itoa(i)+"\n")
		gitIn(t, env, dir, "add", ".")
		gitIn(t, env, dir, "commit", "-q", "-m", "commit "+strconv.Itoa(i))
	}
	check := func(stage string) {
		t.Helper()
		db := openObjectDB(filepath.Join(dir, ".git", "objects"))
		objs := catAll(t, env, dir)
		if len(objs) < 40 {
			t.Fatalf("%s: only %d objects", stage, len(objs))
		}
		for h, o := range objs {
			typ, b, err := db.read(plumbing.NewHash(h))
			if err != nil {
				t.Errorf("%s: read %s: %v", stage, h, err)
				continue
			}
			if typ.String() != o[0] || string(b) != o[1] {
				t.Errorf("%s: %s read as %s of %d bytes, git says %s of %d", stage, h, typ, len(b), o[0], len(o[1]))
			}
			if ok, err := db.freshen(plumbing.NewHash(h)); !ok || err != nil {
				t.Errorf("%s: freshen(%s) = %v, %v", stage, h, ok, err)
			}
		}
		if ok, err := db.freshen(plumbing.NewHash(strings.Repeat("12", 20))); ok || err != nil {
			t.Errorf("%s: freshen(missing) = %v, %v", stage, ok, err)
		}
		if _, _, err := db.read(plumbing.NewHash(strings.Repeat("12", 20))); err == nil {
			t.Errorf("%s: read(missing) succeeded", stage)
		}
	}
	check("loose")
	gitIn(t, env, dir, "gc", "-q", "--aggressive")
	check("gc --aggressive")
	gitIn(t, env, dir, "repack", "-q", "-adf", "--depth=50", "--window=50")
	if vp := gitIn(t, env, dir, "verify-pack", "-s", packIdx(t, dir)); !strings.Contains(vp, "chain length = ") {
		t.Fatalf("repack made no deltas:\n%s", vp)
	}
	check("repack -adf")
}

func packIdx(t testing.TB, dir string) string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(dir, ".git", "objects", "pack", "*.idx"))
	if len(m) != 1 {
		t.Fatalf("packs: %v", m)
	}
	return m[0]
}

// TestObjectDBWriteLikeGit: a loose object is where git puts it, 0444,
// holds what git hash-object would store, leaves no temporary file, and
// is not written again when it exists (loose or packed).
func TestObjectDBWriteLikeGit(t *testing.T) {
	t.Parallel()
	testkeys.Require(t, "git")
	env := gitEnvFor(t)
	dir := t.TempDir()
	gitIn(t, env, dir, "init", "-q")
	objects := filepath.Join(dir, ".git", "objects")
	db := openObjectDB(objects)
	for _, content := range []string{"", "hello\n", strings.Repeat("x", 100000), "\x00binary\xff"} {
		h, err := db.write(plumbing.BlobObject, []byte(content))
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("git", "-C", dir, "hash-object", "--stdin")
		cmd.Env, cmd.Stdin = env, strings.NewReader(content)
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		if h.String() != strings.TrimSpace(string(out)) {
			t.Errorf("hash %s, git hash-object %s", h, out)
		}
		fi, err := os.Stat(loosePath(objects, h))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o444&^umask(t) {
			t.Errorf("object mode %v", fi.Mode())
		}
		if got := gitIn(t, env, dir, "cat-file", "blob", h.String()); got != content {
			t.Errorf("git cat-file blob %s: %d bytes, want %d", h, len(got), len(content))
		}
		// Written again: only freshened, as git does (prune keeps it).
		old := time.Unix(1e9, 0)
		if err := os.Chtimes(loosePath(objects, h), old, old); err != nil {
			t.Fatal(err)
		}
		if _, err := db.write(plumbing.BlobObject, []byte(content)); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Stat(loosePath(objects, h)); err != nil || !fi.ModTime().After(old) || fi.Mode().Perm() != 0o444&^umask(t) {
			t.Errorf("loose object written again: %v, %v (want a fresh mtime, mode unchanged)", fi.ModTime(), err)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(objects, "*", "tmp_obj_*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
	gitIn(t, env, dir, "fsck", "--strict", "--no-progress")

	// A packed object is not written loose again.
	hello := plumbing.ComputeHash(plumbing.BlobObject, []byte("hello\n"))
	gitIn(t, env, dir, "update-index", "--add", "--cacheinfo", "100644,"+hello.String()+",hello")
	gitIn(t, append(env, identEnv...), dir, "commit", "-q", "-m", "hello")
	gitIn(t, env, dir, "repack", "-q", "-ad")
	gitIn(t, env, dir, "prune-packed")
	if _, err := os.Stat(loosePath(objects, hello)); err == nil {
		t.Fatal("hello still loose after repack")
	}
	packs, _ := filepath.Glob(filepath.Join(objects, "pack", "*.pack"))
	if len(packs) != 1 {
		t.Fatalf("packs after repack -ad: %v", packs)
	}
	old := time.Unix(1e9, 0)
	if err := os.Chtimes(packs[0], old, old); err != nil {
		t.Fatal(err)
	}
	h, err := openObjectDB(objects).write(plumbing.BlobObject, []byte("hello\n"))
	if err != nil || h != hello {
		t.Fatal(h, err)
	}
	if _, err := os.Stat(loosePath(objects, h)); err == nil {
		t.Error("packed object written loose again")
	}
	if fi, err := os.Stat(packs[0]); err != nil || !fi.ModTime().After(old) {
		t.Errorf("the pack holding the object was not freshened: %v, %v", fi.ModTime(), err)
	}
}

func umask(t testing.TB) os.FileMode {
	t.Helper()
	p := filepath.Join(t.TempDir(), "probe")
	if err := os.WriteFile(p, nil, 0o777); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return 0o777 &^ fi.Mode().Perm()
}

// TestCommitNativePacked: after git gc --aggressive (or git repack -adf)
// and git pack-refs --all, with no loose object or ref left, commits made
// without the git binary land on the right parent and the
// nothing-to-commit check still sees the packed HEAD tree.
func TestCommitNativePacked(t *testing.T) {
	t.Parallel()
	for _, pack := range [][]string{{"gc", "-q", "--aggressive", "--prune=now"}, {"repack", "-q", "-adf"}} {
		t.Run(pack[0], func(t *testing.T) {
			t.Parallel()
			env := gitEnvFor(t, identEnv...)
			s, dir := nativeStore(t, env)
			for i := range 6 {
				writeCommit(t, s, "deep/er/entry", strings.Repeat("otpauth://hotp/x?secret=A&counter=", 20)+strconv.Itoa(i)+"\n", "Increment "+strconv.Itoa(i))
				writeCommit(t, s, fmt.Sprintf("other/%d", i), "x\n", "Add "+strconv.Itoa(i))
			}
			gitIn(t, env, dir, pack...)
			gitIn(t, env, dir, "prune-packed")
			gitIn(t, env, dir, "pack-refs", "--all")
			if loose, _ := filepath.Glob(filepath.Join(dir, ".git", "objects", "??", "*")); len(loose) != 0 {
				t.Fatalf("loose objects left: %v", loose)
			}
			if _, err := os.Stat(filepath.Join(dir, ".git", "refs", "heads", "main")); err == nil {
				t.Fatal("refs/heads/main still loose")
			}
			head := revParse(t, env, dir, "HEAD")
			// The trees are packed, some as deltas (every packed object reads
			// back as git shows it: TestObjectDBReadsWhatGitWrites).
			deltaTrees := 0
			for _, l := range strings.Split(gitIn(t, env, dir, "verify-pack", "-v", packIdx(t, dir)), "\n") {
				if f := strings.Fields(l); len(f) == 7 && f[1] == "tree" {
					deltaTrees++
				}
			}
			if deltaTrees == 0 {
				t.Fatal("no tree stored as a delta")
			}
			// Unchanged entry: nothing to commit.
			if err := s.Commit("deep/er/entry", "Nothing"); err != nil {
				t.Fatal(err)
			}
			if got := revParse(t, env, dir, "HEAD"); got != head {
				t.Fatalf("HEAD moved on an unchanged entry: %s -> %s", head, got)
			}
			writeCommit(t, s, "deep/er/entry", "new\n", "Replace deep/er/entry")
			if got := revParse(t, env, dir, "HEAD^"); got != head {
				t.Errorf("parent %s, want %s", got, head)
			}
			if got := gitIn(t, env, dir, "log", "-1", "--format=%s", "--name-only"); got != "Replace deep/er/entry\n\ndeep/er/entry.gpg\n" {
				t.Errorf("log %q", got)
			}
			if got := gitIn(t, env, dir, "rev-list", "--count", "HEAD"); got != "14\n" {
				t.Errorf("rev-list --count = %s", got)
			}
			checkRepo(t, env, dir)
			// The same after the new commit was packed too.
			gitIn(t, env, dir, pack...)
			gitIn(t, env, dir, "pack-refs", "--all")
			if err := s.Commit("deep/er/entry", "Nothing"); err != nil {
				t.Fatal(err)
			}
			writeCommit(t, s, "other/3", "changed\n", "Replace other/3")
			if got := gitIn(t, env, dir, "log", "-2", "--format=%s"); got != "Replace other/3\nReplace deep/er/entry\n" {
				t.Errorf("log %q", got)
			}
			if rl := gitIn(t, env, dir, "reflog", "show", "main", "-1", "--format=%gs"); rl != "commit: Replace other/3\n" {
				t.Errorf("branch reflog %q", rl)
			}
			checkRepo(t, env, dir)
		})
	}
}

// TestCommitNativeHeads: a linked worktree, a detached HEAD, an unborn
// branch, a symbolic ref chain and alternates (git clone --shared), all
// without the git binary.
func TestCommitNativeHeads(t *testing.T) {
	t.Parallel()
	testkeys.Require(t, "git")

	t.Run("worktree", func(t *testing.T) {
		t.Parallel()
		env := gitEnvFor(t, identEnv...)
		main := t.TempDir()
		gitIn(t, env, main, "init", "-q", "-b", "main")
		gitIn(t, env, main, "commit", "-q", "--allow-empty", "-m", "root")
		wt := filepath.Join(t.TempDir(), "wt")
		gitIn(t, env, main, "worktree", "add", "-q", "-b", "store", wt)
		gitIn(t, env, main, "pack-refs", "--all")
		writeFile(t, wt+"/.gpg-id", "K\n")
		s := Open(Options{Dir: wt, Umask: 0o77, Env: nativeOnly(t, env), Now: func() time.Time { return fixedNow }})
		base := revParse(t, env, wt, "HEAD")
		writeCommit(t, s, "w/x", "1\n", "Add in worktree")
		writeCommit(t, s, "w/x", "2\n", "Replace in worktree")
		if got := gitIn(t, env, wt, "log", "--format=%s", "store"); got != "Replace in worktree\nAdd in worktree\nroot\n" {
			t.Errorf("worktree log %q", got)
		}
		if got := revParse(t, env, wt, "HEAD~2"); got != base {
			t.Errorf("worktree base %s, want %s", got, base)
		}
		if got := gitIn(t, env, main, "log", "--format=%s", "main"); got != "root\n" {
			t.Errorf("main branch moved: %q", got)
		}
		if rl := gitIn(t, env, wt, "reflog", "-1", "--format=%gs"); rl != "commit: Replace in worktree\n" {
			t.Errorf("worktree HEAD reflog %q", rl)
		}
		if rl := gitIn(t, env, main, "reflog", "show", "store", "-1", "--format=%gs"); rl != "commit: Replace in worktree\n" {
			t.Errorf("branch reflog %q", rl)
		}
		if _, err := os.Stat(filepath.Join(main, ".git", "worktrees", "wt", "refs")); err == nil {
			t.Error("branch ref written in the worktree's git directory")
		}
		gitIn(t, env, main, "fsck", "--strict", "--no-progress")
		checkRepo(t, env, wt, "--untracked-files=no")

		// Detached in the worktree: only its own HEAD moves.
		gitIn(t, env, wt, "checkout", "-q", "--detach")
		writeCommit(t, s, "w/x", "3\n", "Detached in worktree")
		if got := gitIn(t, env, wt, "log", "-1", "--format=%s", "store"); got != "Replace in worktree\n" {
			t.Errorf("store branch moved: %q", got)
		}
		if got := revParse(t, env, wt, "HEAD^"); got != revParse(t, env, wt, "store") {
			t.Errorf("detached commit parent %s", got)
		}
		checkRepo(t, env, wt, "--untracked-files=no")
	})

	t.Run("detached", func(t *testing.T) {
		t.Parallel()
		env := gitEnvFor(t, identEnv...)
		s, dir := nativeStore(t, env)
		writeCommit(t, s, "a", "1\n", "one")
		gitIn(t, env, dir, "checkout", "-q", "--detach")
		gitIn(t, env, dir, "pack-refs", "--all")
		before := revParse(t, env, dir, "main")
		writeCommit(t, s, "a", "2\n", "two")
		if got := revParse(t, env, dir, "main"); got != before {
			t.Errorf("main moved from %s to %s", before, got)
		}
		if got := revParse(t, env, dir, "HEAD^"); got != before {
			t.Errorf("parent %s, want %s", got, before)
		}
		b, _ := os.ReadFile(filepath.Join(dir, ".git", "HEAD"))
		if string(b) != revParse(t, env, dir, "HEAD")+"\n" {
			t.Errorf(".git/HEAD = %q", b)
		}
		if rl := gitIn(t, env, dir, "reflog", "-1", "--format=%gs"); rl != "commit: two\n" {
			t.Errorf("reflog %q", rl)
		}
		if err := s.Commit("a", "unchanged"); err != nil {
			t.Fatal(err)
		}
		if got := gitIn(t, env, dir, "rev-list", "--count", "HEAD"); got != "3\n" {
			t.Errorf("rev-list --count = %s", got)
		}
		checkRepo(t, env, dir)
	})

	t.Run("unborn", func(t *testing.T) {
		t.Parallel()
		env := gitEnvFor(t, identEnv...)
		s, dir := newStore(t, 0o77)
		s.o.Env, s.o.Now = nativeOnly(t, env), func() time.Time { return fixedNow }
		gitIn(t, env, dir, "init", "-q", "-b", "trunk")
		writeCommit(t, s, "first", "1\n", "Add OTP secret for first to store.")
		if got := gitIn(t, env, dir, "log", "--format=%s|%P", "trunk"); got != "Add OTP secret for first to store.|\n" {
			t.Errorf("log %q", got)
		}
		if rl := gitIn(t, env, dir, "reflog", "show", "trunk", "-1", "--format=%gs"); rl != "commit (initial): Add OTP secret for first to store.\n" {
			t.Errorf("reflog %q", rl)
		}
		// An unborn branch next to packed refs of another branch.
		gitIn(t, env, dir, "pack-refs", "--all")
		gitIn(t, env, dir, "checkout", "-q", "--orphan", "fresh")
		gitIn(t, env, dir, "rm", "-q", "--cached", "first.gpg")
		writeCommit(t, s, "second", "2\n", "Add second")
		if got := gitIn(t, env, dir, "log", "--format=%s|%P", "fresh"); got != "Add second|\n" {
			t.Errorf("orphan log %q", got)
		}
		if got := gitIn(t, env, dir, "ls-tree", "--name-only", "fresh"); got != "second.gpg\n" {
			t.Errorf("orphan tree %q", got)
		}
		gitIn(t, env, dir, "fsck", "--strict", "--no-progress")
	})

	t.Run("symbolic chain", func(t *testing.T) {
		t.Parallel()
		env := gitEnvFor(t, identEnv...)
		s, dir := nativeStore(t, env)
		gitIn(t, env, dir, "symbolic-ref", "refs/heads/alias", "refs/heads/main")
		gitIn(t, env, dir, "symbolic-ref", "HEAD", "refs/heads/alias")
		before := revParse(t, env, dir, "main")
		writeCommit(t, s, "a", "1\n", "via alias")
		if got := revParse(t, env, dir, "main^"); got != before {
			t.Errorf("main^ = %s, want %s", got, before)
		}
		if got := strings.TrimSpace(gitIn(t, env, dir, "symbolic-ref", "refs/heads/alias")); got != "refs/heads/main" {
			t.Errorf("alias now %q", got)
		}
		checkRepo(t, env, dir)
	})

	t.Run("alternates", func(t *testing.T) {
		t.Parallel()
		env := gitEnvFor(t, identEnv...)
		_, src := gitStore(t, env)
		writeFile(t, src+"/a.gpg", "1\n")
		gitIn(t, env, src, "add", "a.gpg")
		gitIn(t, env, src, "commit", "-q", "-m", "a")
		gitIn(t, env, src, "gc", "-q")
		dst := filepath.Join(t.TempDir(), "dst")
		gitIn(t, env, src, "clone", "-q", "--shared", src, dst)
		if loose, _ := filepath.Glob(filepath.Join(dst, ".git", "objects", "pack", "*")); len(loose) != 0 {
			t.Fatalf("clone --shared copied packs: %v", loose)
		}
		s := Open(Options{Dir: dst, Umask: 0o77, Env: nativeOnly(t, env), Now: func() time.Time { return fixedNow }})
		head := revParse(t, env, dst, "HEAD")
		if err := s.Commit("a", "unchanged"); err != nil {
			t.Fatal(err)
		}
		if got := revParse(t, env, dst, "HEAD"); got != head {
			t.Fatalf("HEAD moved on an unchanged entry read through alternates")
		}
		writeCommit(t, s, "a", "2\n", "changed")
		if got := revParse(t, env, dst, "HEAD^"); got != head {
			t.Errorf("parent %s, want %s", got, head)
		}
		checkRepo(t, env, dst)
		if got := revParse(t, env, src, "HEAD"); got != head {
			t.Error("the alternate repository changed")
		}
	})
}

// TestResolveHeadRefusals: a HEAD git would refuse hands over to git or
// fails; it never reads outside the repository.
func TestResolveHeadRefusals(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ head, err string }{
		{"ref: ../../../etc/passwd\n", "needs the git binary"},
		{"ref: refs/heads/a..b\n", "needs the git binary"},
		{"ref: config\n", "needs the git binary"},
		{"ref:\n", "malformed"},
		{"12345\n", "malformed"},
		{strings.Repeat("g", 40) + "\n", "malformed"},
	} {
		d := t.TempDir()
		writeFile(t, filepath.Join(d, "HEAD"), tt.head)
		r := &repo{gitDir: d, common: d}
		if _, _, err := r.resolveHead(); err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("HEAD %q: %v, want %q", tt.head, err, tt.err)
		}
	}
	// A loop of symbolic refs ends at git's depth limit.
	d := t.TempDir()
	writeFile(t, filepath.Join(d, "HEAD"), "ref: refs/heads/a\n")
	writeFile(t, filepath.Join(d, "refs/heads/a"), "ref: refs/heads/b\n")
	writeFile(t, filepath.Join(d, "refs/heads/b"), "ref: refs/heads/a\n")
	if _, _, err := (&repo{gitDir: d, common: d}).resolveHead(); err != errNeedGit {
		t.Errorf("symbolic ref loop: %v", err)
	}
}

var treeSeeds = [][]byte{
	nil,
	[]byte("100644 a\x00" + strings.Repeat("\x01", 20)),
	[]byte("40000 d\x00" + strings.Repeat("\x02", 20) + "100755 e\x00" + strings.Repeat("\x03", 20)),
	[]byte("040000 zero-padded\x00" + strings.Repeat("\x02", 20)),
	[]byte("120000 link\x00" + strings.Repeat("\xff", 20) + "160000 sub\x00" + strings.Repeat("\x00", 20)),
	[]byte("100644 truncated\x00" + strings.Repeat("\x01", 19)),
	[]byte("100644 a/b\x00" + strings.Repeat("\x01", 20)),
	[]byte("1006449 x\x00" + strings.Repeat("\x01", 20)),
	[]byte(" x\x00" + strings.Repeat("\x01", 20)),
}

func TestParseTree(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   []byte
		want []treeEntry
		err  bool
	}{
		{"empty", nil, nil, false},
		{"file", treeSeeds[1], []treeEntry{{"a", filemode.Regular, plumbing.Hash(bytes.Repeat([]byte{1}, 20))}}, false},
		{"dir and exe", treeSeeds[2], []treeEntry{{"d", filemode.Dir, plumbing.Hash(bytes.Repeat([]byte{2}, 20))}, {"e", filemode.Executable, plumbing.Hash(bytes.Repeat([]byte{3}, 20))}}, false},
		{"zero-padded mode", treeSeeds[3], []treeEntry{{"zero-padded", filemode.Dir, plumbing.Hash(bytes.Repeat([]byte{2}, 20))}}, false},
		{"truncated hash", treeSeeds[5], nil, true},
		{"slash in name", treeSeeds[6], nil, true},
		{"mode too long", treeSeeds[7], nil, true},
		{"no mode", treeSeeds[8], nil, true},
		{"no NUL", []byte("100644 name"), nil, true},
		{"empty name", []byte("100644 \x00" + strings.Repeat("\x01", 20)), nil, true},
		{"not octal", []byte("100648 a\x00" + strings.Repeat("\x01", 20)), nil, true},
	}
	for _, tt := range tests {
		got, err := parseTree(tt.in)
		if (err != nil) != tt.err || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: parseTree = %v, %v; want %v (error %v)", tt.name, got, err, tt.want, tt.err)
		}
	}
}

// FuzzParseTree: no panic; an error comes with no entries; what parses
// encodes to a tree that parses to the same entries (and to the input
// itself when its modes are written without leading zeros).
func FuzzParseTree(f *testing.F) {
	for _, s := range treeSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := parseTree(b)
		if err != nil {
			if e != nil {
				t.Fatalf("error %v with entries %v", err, e)
			}
			return
		}
		enc := encodeTree(e)
		again, err := parseTree(enc)
		if err != nil || !reflect.DeepEqual(again, e) {
			t.Fatalf("round trip: %v, %v; want %v", again, err, e)
		}
		if len(enc) > len(b) || !bytes.Equal(encodeTree(again), enc) {
			t.Fatalf("encode(parse(%q)) = %q is not canonical", b, enc)
		}
	})
}

var commitSeeds = [][]byte{
	[]byte("tree " + strings.Repeat("ab", 20) + "\nauthor A <a> 1 +0000\ncommitter C <c> 1 +0000\n\nmsg\n"),
	[]byte("tree " + strings.Repeat("ab", 20) + "\nparent " + strings.Repeat("cd", 20) + "\nparent " + strings.Repeat("ef", 20) + "\n\n"),
	[]byte("tree " + strings.Repeat("ab", 19) + "\n"),
	[]byte("parent " + strings.Repeat("cd", 20) + "\n"),
	[]byte("tree " + strings.Repeat("xy", 20) + "\n"),
	[]byte("tree " + strings.Repeat("ab", 20)),
}

func TestParseCommitHeader(t *testing.T) {
	t.Parallel()
	tree := plumbing.NewHash(strings.Repeat("ab", 20))
	tests := []struct {
		in      []byte
		tree    plumbing.Hash
		parents int
		err     bool
	}{
		{commitSeeds[0], tree, 0, false},
		{commitSeeds[1], tree, 2, false},
		{commitSeeds[2], plumbing.ZeroHash, 0, true},
		{commitSeeds[3], plumbing.ZeroHash, 0, true},
		{commitSeeds[4], plumbing.ZeroHash, 0, true},
		{commitSeeds[5], plumbing.ZeroHash, 0, true},
	}
	for i, tt := range tests {
		got, parents, err := parseCommitHeader(tt.in)
		if got != tt.tree || len(parents) != tt.parents || (err != nil) != tt.err {
			t.Errorf("%d: parseCommitHeader(%q) = %s, %v, %v", i, tt.in, got, parents, err)
		}
	}
}

// FuzzParseCommitHeader: no panic; an error comes with zero values; the
// tree and parents found are the hex digits of the header lines, and a
// commit encode makes parses back.
func FuzzParseCommitHeader(f *testing.F) {
	for _, s := range commitSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		tree, parents, err := parseCommitHeader(b)
		if err != nil {
			if !tree.IsZero() || parents != nil {
				t.Fatalf("error %v with %s %v", err, tree, parents)
			}
			return
		}
		if !strings.EqualFold(string(b[5:45]), tree.String()) {
			t.Fatalf("tree %s from %q", tree, b)
		}
		c := &commit{tree: tree, parents: parents, message: string(b)}
		t2, p2, err := parseCommitHeader(c.encode(true))
		if err != nil || t2 != tree || !reflect.DeepEqual(p2, parents) {
			t.Fatalf("re-parse: %s %v %v", t2, p2, err)
		}
	})
}

var refSeeds = []string{
	"# pack-refs with: peeled fully-peeled sorted \n" + strings.Repeat("ab", 20) + " refs/heads/main\n" +
		strings.Repeat("cd", 20) + " refs/tags/v1\n^" + strings.Repeat("ef", 20) + "\n",
	strings.Repeat("ab", 20) + " refs/heads/main",
	strings.Repeat("ab", 20) + "\n",
	"ref: refs/heads/main\n",
	"^" + strings.Repeat("ab", 20) + "\n",
	strings.Repeat("ab", 20) + "refs/heads/main\n",
}

func TestRefParsers(t *testing.T) {
	t.Parallel()
	main := plumbing.NewHash(strings.Repeat("ab", 20))
	for _, tt := range []struct {
		in, name string
		want     plumbing.Hash
		ok, err  bool
	}{
		{refSeeds[0], "refs/heads/main", main, true, false},
		{refSeeds[0], "refs/tags/v1", plumbing.NewHash(strings.Repeat("cd", 20)), true, false},
		{refSeeds[0], "refs/heads/other", plumbing.ZeroHash, false, false},
		{refSeeds[1], "refs/heads/main", main, true, false},
		{refSeeds[4], "refs/heads/main", plumbing.ZeroHash, false, false},
		{refSeeds[5], "refs/heads/main", plumbing.ZeroHash, false, true},
		{"zz\n", "refs/heads/main", plumbing.ZeroHash, false, true},
	} {
		h, ok, err := findPackedRef([]byte(tt.in), tt.name)
		if h != tt.want || ok != tt.ok || (err != nil) != tt.err {
			t.Errorf("findPackedRef(%q, %s) = %s, %v, %v", tt.in, tt.name, h, ok, err)
		}
	}
	for _, tt := range []struct {
		in     string
		hash   plumbing.Hash
		target string
		err    bool
	}{
		{refSeeds[2], main, "", false},
		{strings.Repeat("AB", 20), main, "", false},
		{refSeeds[3], plumbing.ZeroHash, "refs/heads/main", false},
		{"ref:refs/heads/x", plumbing.ZeroHash, "refs/heads/x", false},
		{strings.Repeat("ab", 20) + "x\n", plumbing.ZeroHash, "", true},
		{"ref: \n", plumbing.ZeroHash, "", true},
		{"", plumbing.ZeroHash, "", true},
	} {
		h, target, err := parseLooseRef([]byte(tt.in))
		if h != tt.hash || target != tt.target || (err != nil) != tt.err {
			t.Errorf("parseLooseRef(%q) = %s, %q, %v", tt.in, h, target, err)
		}
	}
	if got := parseAlternates([]byte("# comment\n/abs/objects\n\n../rel/objects\r\n\"/quoted\\tdir\"\n\"\"\n\"bad\n")); !reflect.DeepEqual(got, []string{"/abs/objects", "../rel/objects", "/quoted\tdir"}) {
		t.Errorf("parseAlternates = %q", got)
	}
}

// FuzzRefs: the packed-refs, loose ref and alternates parsers never
// panic, and an error comes with zero values.
func FuzzRefs(f *testing.F) {
	for _, s := range refSeeds {
		f.Add(s, "refs/heads/main")
	}
	f.Fuzz(func(t *testing.T, in, name string) {
		h, ok, err := findPackedRef([]byte(in), name)
		if (err != nil || !ok) && !h.IsZero() {
			t.Fatalf("findPackedRef: %s with ok=%v err=%v", h, ok, err)
		}
		if ok {
			found := false
			for _, l := range strings.Split(in, "\n") {
				l = strings.TrimSuffix(l, "\r")
				found = found || len(l) > 41 && l[41:] == name && strings.EqualFold(l[:40], h.String())
			}
			if !found {
				t.Fatalf("findPackedRef found %s for %q in %q", h, name, in)
			}
		}
		h, target, err := parseLooseRef([]byte(in))
		if err != nil && (!h.IsZero() || target != "") {
			t.Fatalf("parseLooseRef: %s %q with %v", h, target, err)
		}
		for _, a := range parseAlternates([]byte(in)) {
			if a == "" {
				t.Fatal("empty alternate")
			}
		}
	})
}

// TestCommitNativeHandsOver: what gitobj.go does not handle goes to the
// git binary (here absent, so the hand-over shows as "git not found"): a
// shared repository, a HEAD commit whose tree is missing.
func TestCommitNativeHandsOver(t *testing.T) {
	t.Parallel()
	env := gitEnvFor(t, identEnv...)
	s, dir := nativeStore(t, env)
	gitIn(t, env, dir, "config", "core.sharedRepository", "group")
	if _, err := s.Write(t.Context(), "a", []byte("1\n"), &fakeCrypt{}); err != nil {
		t.Fatal(err)
	}
	if err := s.Commit("a", "shared"); err == nil || !strings.Contains(err.Error(), "git not found") {
		t.Errorf("shared repository: %v, want a hand-over to git", err)
	}
	s.o.Env = env // with git: a commit with git's permissions
	if err := s.Commit("a", "shared"); err != nil {
		t.Fatal(err)
	}
	checkRepo(t, env, dir)
	gitIn(t, env, dir, "config", "--unset", "core.sharedRepository")

	s.o.Env = nativeOnly(t, env)
	tree := revParse(t, env, dir, "HEAD^{tree}")
	if err := os.Remove(loosePath(filepath.Join(dir, ".git", "objects"), plumbing.NewHash(tree))); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Write(t.Context(), "a", []byte("2\n"), &fakeCrypt{}); err != nil {
		t.Fatal(err)
	}
	if err := s.Commit("a", "missing tree"); err == nil || !strings.Contains(err.Error(), "git not found") {
		t.Errorf("missing HEAD tree: %v, want a hand-over to git", err)
	}
}
