package passstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/passotp/passotp/internal/testkeys"
)

// gitEnvFor is an isolated environment for both the real git and the
// Store: its own HOME and XDG_CONFIG_HOME, no system config, no GIT_*.
func gitEnvFor(t testing.TB, extra ...string) []string {
	t.Helper()
	home := t.TempDir()
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "GIT_") || k == "HOME" || k == "XDG_CONFIG_HOME" || k == "EMAIL" {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "HOME="+home, "XDG_CONFIG_HOME="+home+"/.config", "GIT_CONFIG_NOSYSTEM=1")
	return append(env, extra...)
}

func envGet(env []string, key string) string {
	v := ""
	for _, kv := range env {
		if k, val, ok := strings.Cut(kv, "="); ok && k == key {
			v = val
		}
	}
	return v
}

func gitIn(t testing.TB, env []string, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

var fixedNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.FixedZone("", 3600))

// gitStore makes a store whose PREFIX is a git repository with the
// .gpg-id committed, as after pass init + pass git init.
func gitStore(t testing.TB, env []string) (*Store, string) {
	t.Helper()
	testkeys.Require(t, "git")
	s, dir := newStore(t, 0o77)
	s.o.Env, s.o.Now = env, func() time.Time { return fixedNow }
	gitIn(t, env, dir, "init", "-q", "-b", "main")
	gitIn(t, env, dir, "add", ".gpg-id")
	gitIn(t, env, dir, "commit", "-q", "-m", "Add current contents of password store.")
	return s, dir
}

var identEnv = []string{"GIT_AUTHOR_NAME=Ann Author", "GIT_AUTHOR_EMAIL=ann@example.org",
	"GIT_COMMITTER_NAME=Carl Committer", "GIT_COMMITTER_EMAIL=carl@example.org"}

// checkRepo asserts git's view: fsck clean, nothing to commit.
func checkRepo(t testing.TB, env []string, dir string, statusArgs ...string) {
	t.Helper()
	gitIn(t, env, dir, "fsck", "--strict", "--no-progress")
	if st := gitIn(t, env, dir, append([]string{"status", "--porcelain"}, statusArgs...)...); st != "" {
		t.Errorf("git status --porcelain in %s = %q, want clean", dir, st)
	}
}

func writeCommit(t testing.TB, s *Store, name, content, subject string) {
	t.Helper()
	if _, err := s.Write(context.Background(), name, []byte(content), &fakeCrypt{}); err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(name, subject); err != nil {
		t.Fatalf("Commit(%q): %v", name, err)
	}
}

func TestCommit(t *testing.T) {
	t.Parallel()
	env := gitEnvFor(t, identEnv...)
	s, dir := gitStore(t, env)
	writeCommit(t, s, "aws/alice", "otpauth://totp/a?secret=A\n", "Add OTP secret for aws/alice to store.")
	checkRepo(t, env, dir)
	// Unchanged file: no commit (git status --porcelain FILE is empty).
	if err := s.Commit("aws/alice", "Nothing"); err != nil {
		t.Fatal(err)
	}
	writeCommit(t, s, "aws/alice", "otpauth://hotp/a?secret=A&counter=1\n", "Increment HOTP counter for aws/alice.")
	writeCommit(t, s, "arn:aws:iam::123456789012:mfa/bob", "x\n", "Add OTP secret for arn:aws:iam::123456789012:mfa/bob to store.")
	checkRepo(t, env, dir)
	got := gitIn(t, env, dir, "log", "--format=%s|%an <%ae>|%cn <%ce>|%ct %ci|%P")
	lines := strings.Split(strings.TrimSpace(got), "\n")
	want := []string{
		"Add OTP secret for arn:aws:iam::123456789012:mfa/bob to store.",
		"Increment HOTP counter for aws/alice.",
		"Add OTP secret for aws/alice to store.",
		"Add current contents of password store.",
	}
	if len(lines) != len(want) {
		t.Fatalf("git log:\n%s", got)
	}
	for i, l := range lines {
		f := strings.Split(l, "|")
		if f[0] != want[i] {
			t.Errorf("commit %d subject %q, want %q", i, f[0], want[i])
		}
		if i == len(lines)-1 {
			continue
		}
		if f[1] != "Ann Author <ann@example.org>" || f[2] != "Carl Committer <carl@example.org>" {
			t.Errorf("commit %d identity %q %q", i, f[1], f[2])
		}
		if f[3] != "1795431600 2026-11-23 12:00:00 +0100" {
			t.Errorf("commit %d date %q", i, f[3])
		}
		if f[4] == "" {
			t.Errorf("commit %d has no parent", i)
		}
	}
	// The message is exactly the subject, no body.
	if m := gitIn(t, env, dir, "log", "-1", "--format=%B"); m != want[0]+"\n\n" {
		t.Errorf("message %q", m)
	}
	// Reflogs as git writes them.
	if rl := gitIn(t, env, dir, "reflog", "-1", "--format=%gs"); strings.TrimSpace(rl) != "commit: "+want[0] {
		t.Errorf("reflog %q", rl)
	}
	if rl := gitIn(t, env, dir, "reflog", "show", "main", "-1", "--format=%gs"); strings.TrimSpace(rl) != "commit: "+want[0] {
		t.Errorf("branch reflog %q", rl)
	}
	// The tree holds the files the commit should hold.
	files := gitIn(t, env, dir, "ls-tree", "-r", "--name-only", "HEAD")
	if files != ".gpg-id\narn:aws:iam::123456789012:mfa/bob.gpg\naws/alice.gpg\n" {
		t.Errorf("ls-tree:\n%s", files)
	}
}

func TestCommitWholeIndexAndInitial(t *testing.T) {
	t.Parallel()
	env := gitEnvFor(t, identEnv...)
	testkeys.Require(t, "git")
	s, dir := newStore(t, 0o77)
	s.o.Env = env
	gitIn(t, env, dir, "init", "-q", "-b", "trunk")
	// Something else staged before: git commit takes the whole index.
	writeFile(t, dir+"/notes/readme", "hello\n")
	os.Chmod(dir+"/notes/readme", 0o755)
	gitIn(t, env, dir, "add", "notes/readme")
	writeCommit(t, s, "x", "1\n", "Add OTP secret for x to store.")
	checkRepo(t, env, dir, "--untracked-files=no")
	if files := gitIn(t, env, dir, "ls-tree", "-r", "HEAD"); !strings.Contains(files, "100755 blob") || !strings.Contains(files, "\tx.gpg\n") || !strings.Contains(files, "\tnotes/readme\n") {
		t.Errorf("ls-tree:\n%s", files)
	}
	if rl := gitIn(t, env, dir, "reflog", "-1", "--format=%gs"); strings.TrimSpace(rl) != "commit (initial): Add OTP secret for x to store." {
		t.Errorf("reflog %q", rl)
	}
	// An unstaged change elsewhere stays out of the commit.
	writeFile(t, dir+"/notes/readme", "changed\n")
	writeCommit(t, s, "x", "2\n", "Replace OTP secret for x.")
	if st := gitIn(t, env, dir, "status", "--porcelain", "--untracked-files=no"); st != " M notes/readme\n" {
		t.Errorf("status %q", st)
	}
	gitIn(t, env, dir, "fsck", "--strict", "--no-progress")
}

func TestCommitPackedAndIndexVersions(t *testing.T) {
	t.Parallel()
	env := gitEnvFor(t, identEnv...)
	s, dir := gitStore(t, env)
	writeCommit(t, s, "a", "1\n", "one")
	gitIn(t, env, dir, "gc", "-q")                             // objects and refs packed
	gitIn(t, env, dir, "update-index", "--index-version", "4") // v4 index
	writeCommit(t, s, "b/c", "2\n", "two")                     //
	gitIn(t, env, dir, "update-index", "--split-index")        // needs the git binary
	writeCommit(t, s, "a", "3\n", "three")                     //
	gitIn(t, env, dir, "update-index", "--no-split-index")     //
	gitIn(t, env, dir, "config", "index.skipHash", "true")     // index.skipHash: no checksum
	gitIn(t, env, dir, "update-index", "--really-refresh")     //
	writeCommit(t, s, "b/c", "3\n", "three and a half")        //
	gitIn(t, env, dir, "config", "--unset", "index.skipHash")  //
	gitIn(t, env, dir, "update-index", "--index-version", "2") //
	writeCommit(t, s, "a", "4\n", "four")                      //
	if got := gitIn(t, env, dir, "log", "--format=%s"); got != "four\nthree and a half\nthree\ntwo\none\nAdd current contents of password store.\n" {
		t.Errorf("log:\n%s", got)
	}
	checkRepo(t, env, dir)
}

func TestCommitRepoDiscovery(t *testing.T) {
	t.Parallel()
	env := gitEnvFor(t, identEnv...)
	s, dir := gitStore(t, env)
	// A sub-folder with its own repository.
	os.Mkdir(dir+"/team", 0o700)
	gitIn(t, env, dir+"/team", "init", "-q", "-b", "main")
	writeCommit(t, s, "team/deep/x", "t\n", "Add OTP secret for team/deep/x to store.")
	writeCommit(t, s, "top", "t\n", "Add OTP secret for top to store.")
	if got := gitIn(t, env, dir+"/team", "log", "--format=%s"); got != "Add OTP secret for team/deep/x to store.\n" {
		t.Errorf("team log %q", got)
	}
	if got := gitIn(t, env, dir, "log", "-1", "--format=%s"); got != "Add OTP secret for top to store.\n" {
		t.Errorf("store log %q", got)
	}
	checkRepo(t, env, dir+"/team")

	// A repository above PREFIX is never used (GIT_CEILING_DIRECTORIES).
	outer := t.TempDir()
	gitIn(t, env, outer, "init", "-q")
	inner := Open(Options{Dir: outer + "/store", Umask: 0o77, Env: env})
	writeFile(t, outer+"/store/.gpg-id", "K\n")
	writeCommit(t, inner, "x", "1\n", "Add")
	if st := gitIn(t, env, outer, "status", "--porcelain", "--untracked-files=no"); st != "" {
		t.Errorf("outer repo touched: %q", st)
	}
	if _, err := os.Stat(outer + "/.git/index"); err == nil {
		t.Error("outer repo got an index")
	}
	// No repository at all: no error.
	plain, _ := newStore(t, 0o77)
	plain.o.Env = env
	writeCommit(t, plain, "x", "1\n", "Add")

	// PREFIX as a linked work tree (.git is a gitdir file).
	main := t.TempDir()
	gitIn(t, env, main, "init", "-q", "-b", "main")
	gitIn(t, env, main, "commit", "-q", "--allow-empty", "-m", "root")
	wt := filepath.Join(t.TempDir(), "wt")
	gitIn(t, env, main, "worktree", "add", "-q", "-b", "store", wt)
	writeFile(t, wt+"/.gpg-id", "K\n")
	ws := Open(Options{Dir: wt, Umask: 0o77, Env: env})
	writeCommit(t, ws, "w/x", "1\n", "Add in worktree")
	if got := gitIn(t, env, wt, "log", "-1", "--format=%s", "--name-only"); got != "Add in worktree\n\nw/x.gpg\n" {
		t.Errorf("worktree log %q", got)
	}
	if got := gitIn(t, env, main, "log", "-1", "--format=%s", "main"); got != "root\n" {
		t.Errorf("main branch moved: %q", got)
	}
	gitIn(t, env, main, "fsck", "--strict", "--no-progress")

	// PREFIX given through a symlink: the same repository.
	link := filepath.Join(t.TempDir(), "storelink")
	os.Symlink(dir, link)
	ls := Open(Options{Dir: link, Umask: 0o77, Env: env})
	writeCommit(t, ls, "via/link", "1\n", "Add OTP secret for via/link to store.")
	if got := gitIn(t, env, dir, "log", "-1", "--format=%s", "--name-only"); got != "Add OTP secret for via/link to store.\n\nvia/link.gpg\n" {
		t.Errorf("symlinked PREFIX commit %q", got)
	}

	// A symlinked entry is recorded at its target.
	os.Symlink("top.gpg", dir+"/alias.gpg")
	gitIn(t, env, dir, "add", "alias.gpg")
	gitIn(t, env, dir, "commit", "-q", "-m", "alias")
	writeCommit(t, s, "alias", "new\n", "Replace OTP secret for alias.")
	if got := gitIn(t, env, dir, "log", "-1", "--format=%s", "--name-only"); got != "Replace OTP secret for alias.\n\ntop.gpg\n" {
		t.Errorf("symlink commit %q", got)
	}
	checkRepo(t, env, dir, "--untracked-files=no") // team/ is a nested repository
}

func TestCommitIdentityLikeGit(t *testing.T) {
	t.Parallel()
	testkeys.Require(t, "git")
	tests := []struct {
		name  string
		env   []string
		setup func(t *testing.T, env []string, dir string)
	}{
		{"env", identEnv, nil},
		{"repo config", nil, func(t *testing.T, env []string, dir string) {
			gitIn(t, env, dir, "config", "user.name", "Repo User")
			gitIn(t, env, dir, "config", "user.email", "repo@example.org")
		}},
		{"global and repo", nil, func(t *testing.T, env []string, dir string) {
			writeFile(t, envGet(env, "HOME")+"/.gitconfig", "[user]\n\tname = Global User\n\temail = global@example.org\n")
			gitIn(t, env, dir, "config", "user.email", "repo@example.org")
		}},
		{"xdg", nil, func(t *testing.T, env []string, dir string) {
			writeFile(t, envGet(env, "XDG_CONFIG_HOME")+"/git/config", "[user]\n\tname = \"Xdg User\"\n\temail = xdg@example.org\n")
		}},
		{"include and author.*", nil, func(t *testing.T, env []string, dir string) {
			home := envGet(env, "HOME")
			writeFile(t, home+"/.gitconfig", "[include]\n\tpath = ~/id.inc\n[author]\n\tname = Writer\n")
			writeFile(t, home+"/id.inc", "[user]\n\tname = Inc User\n\temail = inc@example.org\n")
		}},
		{"includeIf gitdir", nil, func(t *testing.T, env []string, dir string) {
			home := envGet(env, "HOME")
			writeFile(t, home+"/.gitconfig", "[user]\n\tname = Default\n\temail = d@example.org\n"+
				"[includeIf \"gitdir:"+dir+"/\"]\n\tpath = work.inc\n"+
				"[includeIf \"gitdir:/nonexistent/\"]\n\tpath = other.inc\n")
			writeFile(t, home+"/work.inc", "[user]\n\tname = Work User\n")
			writeFile(t, home+"/other.inc", "[user]\n\temail = other@example.org\n")
		}},
		{"includeIf gitdir/i relative", nil, func(t *testing.T, env []string, dir string) {
			home := envGet(env, "HOME")
			writeFile(t, home+"/.gitconfig", "[includeIf \"gitdir/i:"+strings.ToUpper(filepath.Base(dir))+"/\"]\n\tpath = ~/work.inc\n"+
				"[includeIf \"gitdir:"+strings.ToUpper(filepath.Base(dir))+"/\"]\n\tpath = ~/other.inc\n")
			writeFile(t, home+"/work.inc", "[user]\n\tname = Work User\n\temail = w@example.org\n")
			writeFile(t, home+"/other.inc", "[user]\n\temail = other@example.org\n")
		}},
		{"env over config", []string{"GIT_COMMITTER_NAME=Env Committer"}, func(t *testing.T, env []string, dir string) {
			gitIn(t, env, dir, "config", "user.name", "Repo User")
			gitIn(t, env, dir, "config", "user.email", "repo@example.org")
		}},
		{"EMAIL", []string{"EMAIL=mail@example.org"}, func(t *testing.T, env []string, dir string) {
			gitIn(t, env, dir, "config", "user.name", "Repo User")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := gitEnvFor(t, tt.env...)
			s, dir := newStore(t, 0o77)
			s.o.Env = env
			gitIn(t, env, dir, "init", "-q")
			if tt.setup != nil {
				tt.setup(t, env, dir)
			}
			writeCommit(t, s, "x", "1\n", "Add")
			for _, role := range []string{"AUTHOR", "COMMITTER"} {
				ident := gitIn(t, env, dir, "var", "GIT_"+role+"_IDENT")
				want := ident[:strings.LastIndexByte(ident, '>')+1]
				f := "%an <%ae>"
				if role == "COMMITTER" {
					f = "%cn <%ce>"
				}
				if got := gitIn(t, env, dir, "log", "-1", "--format="+f); strings.TrimSpace(got) != want {
					t.Errorf("%s = %q, git var says %q", role, strings.TrimSpace(got), want)
				}
			}
		})
	}
	// Dates from the environment, as git reads them.
	env := gitEnvFor(t, append(identEnv, "GIT_AUTHOR_DATE=@1700000000 +0530", "GIT_COMMITTER_DATE=2020-02-03T04:05:06+01:00")...)
	s, dir := gitStore(t, env)
	writeCommit(t, s, "d", "1\n", "dates")
	if got := gitIn(t, env, dir, "log", "-1", "--format=%ad|%cd", "--date=raw"); got != "1700000000 +0530|1580699106 +0100\n" {
		t.Errorf("dates %q", got)
	}
}

func TestCommitHooks(t *testing.T) {
	t.Parallel()
	env := gitEnvFor(t, identEnv...)
	s, dir := gitStore(t, env)
	marker := filepath.Join(t.TempDir(), "hook-ran")
	hook := "#!/bin/sh\necho \"$GIT_CEILING_DIRECTORIES\" > '" + marker + "'\n"
	writeFile(t, dir+"/.git/hooks/post-commit", hook)
	os.Chmod(dir+"/.git/hooks/post-commit", 0o755)
	writeCommit(t, s, "h", "1\n", "Add OTP secret for h to store.")
	b, err := os.ReadFile(marker)
	if err != nil {
		t.Fatalf("hook did not run: %v", err)
	}
	if string(b) != dir+"/..\n" {
		t.Errorf("hook saw GIT_CEILING_DIRECTORIES=%q", b)
	}
	if got := gitIn(t, env, dir, "log", "-1", "--format=%s|%an"); got != "Add OTP secret for h to store.|Ann Author\n" {
		t.Errorf("log %q", got)
	}
	// A failing pre-commit hook: an error, the entry stays written.
	writeFile(t, dir+"/.git/hooks/pre-commit", "#!/bin/sh\necho no >&2\nexit 1\n")
	os.Chmod(dir+"/.git/hooks/pre-commit", 0o755)
	if _, err := s.Write(context.Background(), "h", []byte("2\n"), &fakeCrypt{}); err != nil {
		t.Fatal(err)
	}
	if err := s.Commit("h", "Replace"); err == nil || !strings.Contains(err.Error(), "no") {
		t.Errorf("failing hook: %v", err)
	}
	if pt, _ := s.Read(context.Background(), "h", &fakeCrypt{}); string(pt) != "2\n" {
		t.Error("entry lost after a failing hook")
	}
}

// gitSigner leaves every signature to git commit -S.
type gitSigner struct{}

func (gitSigner) Sign(io.Reader) ([]byte, error) {
	return nil, fmt.Errorf("cannot sign natively: %w", ErrSignWithGit)
}

// gpgSigner signs with the real gpg in a testkeys home.
type gpgSigner struct{ home, key string }

func (g gpgSigner) Sign(msg io.Reader) ([]byte, error) {
	b, err := io.ReadAll(msg)
	if err != nil {
		return nil, err
	}
	return testkeys.RunGPG(g.home, b, "--armor", "--detach-sign", "-u", g.key)
}

func TestCommitSigned(t *testing.T) {
	t.Parallel()
	testkeys.RequireGPG(t)
	home := testkeys.Home(t)
	env := gitEnvFor(t, append(identEnv, "GNUPGHOME="+home)...)
	s, dir := gitStore(t, env)
	gitIn(t, env, dir, "config", "pass.signcommits", "true")
	gitIn(t, env, dir, "config", "user.signingkey", testkeys.Cv25519.Fpr)
	var gotKey string
	s.o.Signer = func(keyID string) (Signer, error) {
		gotKey = keyID
		return gpgSigner{home, keyID}, nil
	}
	writeCommit(t, s, "signed", "1\n", "Add OTP secret for signed to store.")
	if gotKey != testkeys.Cv25519.Fpr {
		t.Errorf("signer asked for %q", gotKey)
	}
	gitIn(t, env, dir, "verify-commit", "HEAD")
	checkRepo(t, env, dir)

	// No Signer: git commit -S does it.
	s.o.Signer = nil
	writeCommit(t, s, "signed", "2\n", "Replace OTP secret for signed.")
	gitIn(t, env, dir, "verify-commit", "HEAD")
	if got := gitIn(t, env, dir, "log", "-1", "--format=%s"); got != "Replace OTP secret for signed.\n" {
		t.Errorf("log %q", got)
	}

	// passage ignores pass.signcommits.
	s.o.IgnoreSignCommits = true
	writeCommit(t, s, "signed", "2b\n", "Unsigned for passage.")
	if out := gitIn(t, env, dir, "log", "-1", "--format=%G?"); out != "N\n" {
		t.Errorf("passage commit signature status %q, want N", out)
	}
	s.o.IgnoreSignCommits = false

	// A Signer that cannot sign natively (ErrSignWithGit, from Signer or
	// from Sign): git commit -S signs.
	for i, f := range []func(string) (Signer, error){
		func(string) (Signer, error) { return nil, fmt.Errorf("no key file: %w", ErrSignWithGit) },
		func(string) (Signer, error) { return gitSigner{}, nil },
	} {
		s.o.Signer = f
		writeCommit(t, s, "signed", fmt.Sprintf("2c%d\n", i), fmt.Sprintf("Signed by git %d.", i))
		gitIn(t, env, dir, "verify-commit", "HEAD")
		if got := gitIn(t, env, dir, "log", "-1", "--format=%s"); got != fmt.Sprintf("Signed by git %d.\n", i) {
			t.Errorf("log %q", got)
		}
	}

	// A Signer that fails: a clear error, the entry stays written.
	s.o.Signer = func(string) (Signer, error) { return nil, errors.New("no secret key") }
	gitIn(t, env, dir, "config", "--unset", "pass.signcommits")
	gitIn(t, env, dir, "config", "commit.gpgsign", "true")
	if _, err := s.Write(context.Background(), "signed", []byte("3\n"), &fakeCrypt{}); err != nil {
		t.Fatal(err)
	}
	if err := s.Commit("signed", "x"); err == nil || !strings.Contains(err.Error(), "no secret key") {
		t.Errorf("failing signer: %v", err)
	}
	gitIn(t, env, dir, "fsck", "--strict", "--no-progress")
}

// TestPassSeesCommits runs the real pass on a store passotp committed to.
func TestPassSeesCommits(t *testing.T) {
	t.Parallel()
	testkeys.Require(t, "pass", "git")
	env := gitEnvFor(t, identEnv...)
	s, dir := gitStore(t, env)
	writeCommit(t, s, "Org/Team/acct", "1\n", "Add OTP secret for Org/Team/acct to store.")
	writeCommit(t, s, "Org/Team/acct", "2\n", "Increment HOTP counter for Org/Team/acct.")
	cmd := exec.Command("pass", "git", "log", "--format=%s")
	cmd.Env = append(env, "PASSWORD_STORE_DIR="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("pass git log: %v\n%s", err, out)
	}
	want := "Increment HOTP counter for Org/Team/acct.\nAdd OTP secret for Org/Team/acct to store.\nAdd current contents of password store.\n"
	if string(out) != want {
		t.Errorf("pass git log:\n%s\nwant:\n%s", out, want)
	}
	cmd = exec.Command("pass", "git", "status", "--porcelain")
	cmd.Env = append(env, "PASSWORD_STORE_DIR="+dir)
	if out, err := cmd.CombinedOutput(); err != nil || len(out) != 0 {
		t.Errorf("pass git status: %v %q", err, out)
	}
}

func TestCleanupMessage(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Add OTP secret for x to store.": "Add OTP secret for x to store.\n",
		"  trailing  \n\n\n\nbody\n\n":   "  trailing\n\nbody\n",
		"\n\n":                           "",
	} {
		if got := cleanupMessage(in); got != want {
			t.Errorf("cleanupMessage(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCommitIgnored(t *testing.T) {
	t.Parallel()
	env := gitEnvFor(t, identEnv...)
	s, dir := gitStore(t, env)
	writeFile(t, dir+"/.gitignore", "*.tmp\nsecret/\n!keep.gpg\n/rootonly.gpg\n")
	writeFile(t, dir+"/sub/.gitignore", "x.gpg\n")
	writeFile(t, dir+"/.git/info/exclude", "ex.gpg\n")
	writeFile(t, envGet(env, "XDG_CONFIG_HOME")+"/git/ignore", "glob*.gpg\n")
	gitIn(t, env, dir, "add", ".gitignore", "sub/.gitignore")
	gitIn(t, env, dir, "commit", "-q", "-m", "ignore")
	r := workTreeAt(dir)
	cfg := s.loadConfig(r)
	for _, p := range []string{"a.gpg", "secret/a.gpg", "secret/keep.gpg", "keep.gpg", "sub/x.gpg", "x.gpg", "deep/sub/x.gpg",
		"sub/deeper/x.gpg", "ex.gpg", "d/ex.gpg", "globby.gpg", "d/globby.gpg", "rootonly.gpg", "d/rootonly.gpg", "a.tmp"} {
		cmd := exec.Command("git", "-C", dir, "check-ignore", "-q", "--no-index", p)
		cmd.Env = env
		err := cmd.Run()
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			t.Fatal(err)
		}
		want := err == nil
		if got := r.ignored(cfg, p); got != want {
			t.Errorf("ignored(%q) = %v, git check-ignore says %v", p, got, want)
		}
	}
	// Ignored and untracked: git add refuses, so no commit.
	if _, err := s.Write(context.Background(), "secret/a", []byte("1\n"), &fakeCrypt{}); err != nil {
		t.Fatal(err)
	}
	if err := s.Commit("secret/a", "Add"); !errors.Is(err, ErrIgnored) {
		t.Errorf("Commit of an ignored entry = %v, want ErrIgnored", err)
	}
	// Tracked (force-added) entries commit normally.
	gitIn(t, env, dir, "add", "-f", "secret/a.gpg")
	gitIn(t, env, dir, "commit", "-q", "-m", "force")
	writeCommit(t, s, "secret/a", "2\n", "Replace OTP secret for secret/a.")
	if got := gitIn(t, env, dir, "log", "-1", "--format=%s"); got != "Replace OTP secret for secret/a.\n" {
		t.Errorf("log %q", got)
	}
	checkRepo(t, env, dir)
}

// TestCommitDirectoryFileConflict: stale index entries that clash with
// the entry (a file where its directory now is) are replaced, as git add
// replaces them, and the tree stays valid.
func TestCommitDirectoryFileConflict(t *testing.T) {
	t.Parallel()
	env := gitEnvFor(t, identEnv...)
	s, dir := gitStore(t, env)
	writeFile(t, dir+"/aws", "was a file\n")
	gitIn(t, env, dir, "add", "aws")
	gitIn(t, env, dir, "commit", "-q", "-m", "file")
	os.Remove(dir + "/aws") // deleted without git rm: still in the index
	writeCommit(t, s, "aws/alice", "1\n", "Add OTP secret for aws/alice to store.")
	gitIn(t, env, dir, "fsck", "--strict", "--no-progress")
	if files := gitIn(t, env, dir, "ls-tree", "-r", "--name-only", "HEAD"); files != ".gpg-id\naws/alice.gpg\n" {
		t.Errorf("ls-tree:\n%s", files)
	}
	checkRepo(t, env, dir)
}

// TestCommitAttributes: content-changing gitattributes go through the git
// binary (which applies them), gopass's diff attribute does not matter.
func TestCommitAttributes(t *testing.T) {
	t.Parallel()
	env := gitEnvFor(t, identEnv...)
	s, dir := gitStore(t, env)
	writeFile(t, dir+"/.gitattributes", "*.gpg diff=gpg\n")
	r := workTreeAt(dir)
	if r.needsFilters(s.loadConfig(r), "a.gpg") {
		t.Error("diff=gpg needs the git binary")
	}
	writeFile(t, dir+"/sub/.gitattributes", "*.gpg text eol=crlf\n")
	if !r.needsFilters(s.loadConfig(r), "sub/a.gpg") || r.needsFilters(s.loadConfig(r), "other/a.gpg") {
		t.Error("sub/.gitattributes misjudged")
	}
	writeFile(t, dir+"/.git/info/attributes", "*.gpg -text binary\n")
	if r.needsFilters(s.loadConfig(r), "a.gpg") {
		t.Error("-text needs the git binary")
	}
	// Armored content with CRLF conversion: git's blob, not the file's bytes.
	writeCommit(t, s, "sub/a", "line1\nline2\n", "Add OTP secret for sub/a to store.")
	checkRepo(t, env, dir, "--untracked-files=no")
}

// TestCommitIdentityFallback: no identity in the environment or in any git
// config still gives a commit (git itself refuses when it cannot
// auto-detect an e-mail domain), by the user's GECOS name or login and
// login@hostname; user.useConfigOnly makes it fail as git does, with the
// entry written.
func TestCommitIdentityFallback(t *testing.T) {
	t.Parallel()
	testkeys.Require(t, "git")
	env := gitEnvFor(t)
	s, dir := newStore(t, 0o77)
	s.o.Env = env
	gitIn(t, env, dir, "init", "-q")
	writeCommit(t, s, "x", "1\n", "Add OTP secret for x to store.")
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	host, _ := os.Hostname()
	name, _, _ := strings.Cut(u.Name, ",")
	if name == "" {
		name = u.Username
	}
	want := name + " <" + u.Username + "@" + host + ">\n"
	for _, f := range []string{"%an <%ae>", "%cn <%ce>"} {
		if got := gitIn(t, env, dir, "log", "-1", "--format="+f); got != want {
			t.Errorf("%s = %q, want %q", f, got, want)
		}
	}
	if got := gitIn(t, env, dir, "log", "-1", "--format=%s"); got != "Add OTP secret for x to store.\n" {
		t.Errorf("subject %q", got)
	}
	checkRepo(t, env, dir, "--untracked-files=no") // .gpg-id was never added

	gitIn(t, env, dir, "config", "user.useConfigOnly", "true")
	if _, err := s.Write(context.Background(), "x", []byte("2\n"), &fakeCrypt{}); err != nil {
		t.Fatal(err)
	}
	if err := s.Commit("x", "Add OTP secret for x to store."); err == nil || !strings.Contains(err.Error(), "useConfigOnly") {
		t.Errorf("user.useConfigOnly without an identity: %v, want an error naming it", err)
	}
	if got := gitIn(t, env, dir, "rev-list", "--count", "HEAD"); got != "1\n" {
		t.Errorf("%s commits, want 1", strings.TrimSpace(got))
	}
}
