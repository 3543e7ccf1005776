package passstore

import (
	"context"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

var gitDateTests = []struct {
	in   string
	unix int64
	zone string
	ok   bool
}{
	{"@1700000000 +0530", 1700000000, "+0530", true},
	{"1700000000 -0700", 1700000000, "-0700", true},
	{"@0", 0, "+0000", true},
	{"2020-02-03T04:05:06+01:00", 1580699106, "+0100", true},
	{"2020-02-03 04:05:06 +0100", 1580699106, "+0100", true},
	{"Mon, 3 Feb 2020 04:05:06 +0100", 1580699106, "+0100", true},
	{"yesterday", 0, "", false},
	{"", 0, "", false},
}

func TestParseGitDate(t *testing.T) {
	t.Parallel()
	for _, tt := range gitDateTests {
		got, ok := parseGitDate(tt.in)
		if ok != tt.ok || (ok && (got.Unix() != tt.unix || got.Format("-0700") != tt.zone)) {
			t.Errorf("parseGitDate(%q) = %v %v, want %d %s %v", tt.in, got, ok, tt.unix, tt.zone, tt.ok)
		}
	}
}

func FuzzParseGitDate(f *testing.F) {
	for _, tt := range gitDateTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, ok := parseGitDate(s); !ok && !got.Equal(time.Time{}) {
			t.Fatalf("parseGitDate(%q) failed but returned %v", s, got)
		}
	})
}

var globTests = []struct {
	pat, path string
	fold, ok  bool
}{
	{"/home/u/store/**", "/home/u/store/.git", false, true},
	{"**/store/**", "/tmp/x/store/.git", false, true},
	{"**/store/**", "/tmp/x/store2/.git", false, false},
	{"**/STORE/**", "/tmp/x/store/.git", true, true},
	{"**/STORE/**", "/tmp/x/store/.git", false, false},
	{"/home/*/store/.git", "/home/u/store/.git", false, true},
	{"/home/*/store/.git", "/home/u/v/store/.git", false, false},
	{"/home/[a-c]/.git", "/home/b/.git", false, true},
	{"/home/[!a-c]/.git", "/home/b/.git", false, false},
	{"/a?c/.git", "/abc/.git", false, true},
	{"/a.c/.git", "/abc/.git", false, false},
	{"/a(b)+/.git", "/a(b)+/.git", false, true},
}

func TestGlobRegexp(t *testing.T) {
	t.Parallel()
	for _, tt := range globTests {
		re := regexp.MustCompile(globRegexp(tt.pat, tt.fold))
		if got := re.MatchString(tt.path); got != tt.ok {
			t.Errorf("glob %q (fold %v) on %q = %v, want %v", tt.pat, tt.fold, tt.path, got, tt.ok)
		}
	}
}

func FuzzGlobRegexp(f *testing.F) {
	for _, tt := range globTests {
		f.Add(tt.pat, tt.path)
	}
	f.Fuzz(func(t *testing.T, pat, path string) {
		// Never panics; an invalid class may give an invalid regexp, which
		// gitDirMatches treats as no match.
		if re, err := regexp.Compile(globRegexp(pat, false)); err == nil {
			re.MatchString(path)
		}
		c := &gitConfig{gitDir: path}
		c.gitDirMatches("gitdir:"+pat, "/etc/gitconfig")
	})
}

func TestGitConfigLoad(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	wt := t.TempDir()
	writeFile(t, wt+"/.git/HEAD", "ref: refs/heads/main\n")
	writeFile(t, home+"/.gitconfig", "[Pass]\n\tSignCommits\n[include]\n\tpath = inc\n[Remote \"Origin\"]\n\tURL = x\n[core]\n\tlogAllRefUpdates = false\n")
	writeFile(t, home+"/inc", "[user]\n\tname = From Include\n")
	writeFile(t, wt+"/.git/config", "[user]\n\tname = Repo # comment\n\temail = \"quoted ; x\"\n[commit]\n\tgpgsign = off\n")
	writeFile(t, home+"/sys", "[user]\n\tname = System\n\tsigningkey = SYS\n")
	s := Open(Options{Env: []string{"HOME=" + home, "GIT_CONFIG_SYSTEM=" + home + "/sys",
		"GIT_CONFIG_COUNT=1", "GIT_CONFIG_KEY_0=Foo.Sub.Bar", "GIT_CONFIG_VALUE_0=v"}})
	c := s.loadConfig(workTreeAt(wt))
	checks := []struct {
		key, want string
	}{
		{"user.name", "Repo"},
		{"user.email", "quoted ; x"},
		{"user.signingkey", "SYS"},
		{"remote.Origin.url", "x"},
		{"foo.Sub.bar", "v"},
	}
	for _, ck := range checks {
		if got := c.get(ck.key); got != ck.want {
			t.Errorf("%s = %q, want %q", ck.key, got, ck.want)
		}
	}
	if !c.boolean("pass.signcommits") {
		t.Error("a key without value is not true")
	}
	if c.boolean("commit.gpgsign") || !c.isFalse("commit.gpgsign") || !c.isFalse("core.logallrefupdates") {
		t.Error("false values misread")
	}
	nosys := Open(Options{Env: []string{"HOME=" + home, "GIT_CONFIG_SYSTEM=" + home + "/sys", "GIT_CONFIG_NOSYSTEM=yes"}})
	if c := nosys.loadConfig(nil); c.get("user.signingkey") != "" || c.get("user.name") != "From Include" {
		t.Errorf("GIT_CONFIG_NOSYSTEM: %q %q", c.get("user.signingkey"), c.get("user.name"))
	}
}

func FuzzGitConfig(f *testing.F) {
	f.Add([]byte("[user]\n\tname = A\n[pass]\n\tsigncommits\n[includeIf \"gitdir:x/\"]\n\tpath = y\n"))
	f.Add([]byte("[a \"b\\\"c\"]\nk = \"v;#\" ; c\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(dir+"/config", b, 0o600); err != nil {
			t.Fatal(err)
		}
		c := &gitConfig{vals: map[string]string{}, home: dir, gitDir: dir}
		c.load(dir+"/config", 0) // never panics, never loops
		c.boolean("pass.signcommits")
	})
}

// TestCommitMalformedConfig: git dies on a malformed config file, so the
// native path must not commit as if it were fine; the git binary runs and
// its "bad config line" is the error. The entry stays written.
func TestCommitMalformedConfig(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, file, content, gitSays string
	}{
		{"global", ".gitconfig", "[user]\n\tname = x\n[broken\n", "bad config line 3"},
		{"include", ".gitconfig", "[include]\n\tpath = inc\n", "bad config line 2"},
		{"include without value", ".gitconfig", "[include]\n\tpath\n", "bad config line 2"},
		{"includeIf without value", ".gitconfig", "[includeIf \"gitdir:**\"]\n\tpath\n", "bad config line 2"},
		{"includes too deep", ".gitconfig", "[include]\n\tpath = ~/.gitconfig\n", "exceeded maximum include depth"},
		{"repo", "", "[core]\n\tbare = false\n\tx = \"unterminated\n", "bad config line"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := gitEnvFor(t, identEnv...)
			s, dir := gitStore(t, env)
			home := envGet(env, "HOME")
			writeFile(t, home+"/inc", "[a]\nk = \\q\n")
			if tt.file == "" {
				b, err := os.ReadFile(dir + "/.git/config")
				if err != nil {
					t.Fatal(err)
				}
				writeFile(t, dir+"/.git/config", string(b)+tt.content)
			} else {
				writeFile(t, home+"/"+tt.file, tt.content)
			}
			if c := s.loadConfig(workTreeAt(dir)); c.err == nil {
				t.Fatal("loadConfig: no error recorded")
			}
			if _, err := s.Write(context.Background(), "e", []byte("1\n"), &fakeCrypt{}); err != nil {
				t.Fatal(err)
			}
			err := s.Commit("e", "Add OTP secret for e to store.")
			if err == nil || !strings.Contains(err.Error(), tt.gitSays) {
				t.Errorf("Commit = %v, want git's %q", err, tt.gitSays)
			}
			cmd := exec.Command("git", "-C", dir, "-c", "include.path=/dev/null", "--no-pager", "log", "--format=%s")
			cmd.Env = append(env, "GIT_CONFIG_GLOBAL=/dev/null")
			if out, _ := cmd.Output(); strings.Contains(string(out), "Add OTP secret") {
				t.Errorf("a commit was made: %q", out)
			}
			if _, err := os.Stat(dir + "/e.gpg"); err != nil {
				t.Errorf("entry not written: %v", err)
			}
		})
	}
}

// TestLoadLikeGit compares the merged configuration (system, global with
// includes, repository, includeIf gitdir) with git config --list.
func TestLoadLikeGit(t *testing.T) {
	t.Parallel()
	env := gitEnvFor(t, identEnv...)
	s, dir := gitStore(t, env)
	home := envGet(env, "HOME")
	writeFile(t, home+"/sys", "[Core]\n\tEditor = vi  -x \t # c\n[user \"Odd\\\"Sub\"]\n\tKey = \" spaced \"\n")
	writeFile(t, home+"/.gitconfig", "\xef\xbb\xbf[user]\r\n\tname = Global\r\n[include]\n\tpath = ~/inc\n[includeIf \"gitdir:"+dir+"/\"]\n\tpath = ifinc\n[includeIf \"gitdir:/nowhere/\"]\n\tpath = noinc\n")
	writeFile(t, home+"/inc", "[pass]\n\tsignCommits\n[legacy.SUB]\n\tk = a\\\n b\n")
	writeFile(t, home+"/ifinc", "[user]\n\temail = \"if@example.org\"\n")
	writeFile(t, home+"/noinc", "[user]\n\temail = no@example.org\n")
	env = append(env, "GIT_CONFIG_NOSYSTEM=", "GIT_CONFIG_SYSTEM="+home+"/sys")
	s.o.Env = env
	c := s.loadConfig(workTreeAt(dir))
	if c.err != nil {
		t.Fatal(c.err)
	}
	cmd := exec.Command("git", "-C", dir, "config", "--list", "-z")
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, rec := range strings.Split(string(out), "\x00") {
		if rec == "" {
			continue
		}
		k, v, ok := strings.Cut(rec, "\n")
		if !ok {
			v = "\x00"
		}
		// git prints subsections as written; our keys keep them too.
		want[k] = v
	}
	if len(want) < 10 {
		t.Fatalf("git config --list gave only %q", out)
	}
	for k, v := range want {
		if got, ok := c.vals[k]; !ok || got != v {
			t.Errorf("%s = %q (%v), git says %q", k, got, ok, v)
		}
	}
	for k := range c.vals {
		if _, ok := want[k]; !ok {
			t.Errorf("%s = %q, git has no such key", k, c.vals[k])
		}
	}
}
