package passstore

import (
	"bytes"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// checkIgnore asks git check-ignore --no-index which of paths are ignored.
func checkIgnore(t *testing.T, env []string, dir string, paths []string) map[string]bool {
	t.Helper()
	cmd := exec.Command("git", "-C", dir, "check-ignore", "--no-index", "--stdin", "-z")
	cmd.Env = env
	cmd.Stdin = strings.NewReader(strings.Join(paths, "\x00") + "\x00")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); err != nil && !(ok && ee.ExitCode() == 1) {
		t.Fatalf("git check-ignore: %v: %s", err, stderr.String())
	}
	got := map[string]bool{}
	for _, p := range strings.Split(string(out), "\x00") {
		if p != "" {
			got[p] = true
		}
	}
	return got
}

var ignoreNames = []string{"a", "b", "ab", "a.gpg", "x.gpg", "A", "[x]", "*", "?", "!a", "#a", " a", "a ", "d1", "sub", "foo", "a-b", "é"}

// ignoreTrial is one generated work tree: ignore files by location and
// the paths to ask about.
type ignoreTrial struct {
	files map[string]string // "" top .gitignore, "DIR" DIR/.gitignore, "exclude", "global"
	paths []string
}

func randomPattern(r *rand.Rand) string {
	pick := func(s ...string) string { return s[r.Intn(len(s))] }
	globs := []string{"*", "?", "**", "[a-c]", "[!a]", "[^x]", "[[:alpha:]]", "[[:digit:][:upper:]]", "[]a]", "[a-]", "\\*", "\\[", "*.gpg", "a*", "*b", "[:alpha:]", "[[:bogus:]]", "[z-a]", "[", "\\"}
	var b strings.Builder
	b.WriteString(pick("", "", "", "!", "\\!", "\\#", "#", "/"))
	for n := r.Intn(3) + 1; n > 0; n-- {
		if r.Intn(2) == 0 {
			b.WriteString(pick(ignoreNames...))
		} else {
			b.WriteString(pick(globs...))
		}
		if n > 1 {
			b.WriteString(pick("/", "/", "", "/**/"))
		}
	}
	b.WriteString(pick("", "", "", "/", " ", "\\ ", "  ", "\r", "/**", "/*"))
	return b.String()
}

func randomIgnoreTrial(r *rand.Rand) ignoreTrial {
	pick := func(s ...string) string { return s[r.Intn(len(s))] }
	dirs := []string{"", "a", "sub", "a/b", "sub/d1", "exclude", "global"}
	tr := ignoreTrial{files: map[string]string{}}
	for _, d := range dirs {
		if r.Intn(3) == 0 {
			continue
		}
		var lines []string
		for n := r.Intn(5) + 1; n > 0; n-- {
			lines = append(lines, randomPattern(r))
		}
		if r.Intn(10) == 0 {
			lines = append(lines, "", "# comment", "\t")
		}
		tr.files[d] = strings.Join(lines, pick("\n", "\n", "\r\n"))
	}
	seen := map[string]bool{}
	for len(tr.paths) < 40 {
		var parts []string
		for n := r.Intn(4) + 1; n > 0; n-- {
			parts = append(parts, pick(append(ignoreNames, "a", "sub", "b", "d1")...))
		}
		p := strings.Join(parts, "/")
		// Never a directory that exists (a .gitignore's): entries are files.
		if seen[p] || isPrefixDir(p, dirs) {
			continue
		}
		seen[p] = true
		tr.paths = append(tr.paths, p)
	}
	return tr
}

func isPrefixDir(p string, dirs []string) bool {
	for _, d := range dirs {
		if d != "" && (p == d || strings.HasPrefix(d, p+"/")) {
			return true
		}
	}
	return false
}

// runIgnoreTrial lays the trial out in a fresh repository and compares
// ignored() with git check-ignore for every path.
func runIgnoreTrial(t *testing.T, tr ignoreTrial, useConfig bool) (ignored int) {
	t.Helper()
	env := gitEnvFor(t, identEnv...)
	dir := filepath.Join(t.TempDir(), "s")
	gitIn(t, env, filepath.Dir(dir), "init", "-q", dir)
	home := envGet(env, "HOME")
	for where, content := range tr.files {
		var f string
		switch where {
		case "exclude":
			f = dir + "/.git/info/exclude"
		case "global":
			f = envGet(env, "XDG_CONFIG_HOME") + "/git/ignore"
			if useConfig {
				f = home + "/my ignore"
				gitIn(t, env, dir, "config", "core.excludesFile", "~/my ignore")
			}
		default:
			f = filepath.Join(dir, where, ".gitignore")
		}
		writeFile(t, f, content)
	}
	s := Open(Options{Dir: dir, Env: env})
	r := workTreeAt(dir)
	cfg := s.loadConfig(r)
	want := checkIgnore(t, env, dir, tr.paths)
	for _, p := range tr.paths {
		if got := r.ignored(cfg, p); got != want[p] {
			t.Errorf("ignored(%q) = %v, git check-ignore says %v; ignore files (core.excludesFile set: %v): %q", p, got, want[p], useConfig, tr.files)
		}
		if want[p] {
			ignored++
		}
	}
	return ignored
}

// TestIgnoredLikeGitTable: hand-picked cases of gitignore(5).
func TestIgnoredLikeGitTable(t *testing.T) {
	t.Parallel()
	tr := ignoreTrial{files: map[string]string{
		"":        "*.tmp\nsecret/\n!secret/keep.gpg\n!keep.gpg\n/rootonly.gpg\ndoc/**/x.gpg\n**/deep\nt/**\ntrail \nesc\\ \n\\!bang\n\\#hash\n[[:upper:]]*.gpg\nn[!0-9].gpg\nab/*/c\n",
		"sub":     "x.gpg\n/y.gpg\n!z/\nz\n*\n!*.gpg\n",
		"a":       "!/keep\nb/\n",
		"exclude": "ex.gpg\n",
		"global":  "glob*.gpg\n",
	}, paths: []string{"a.tmp", "d/a.tmp", "secret/a.gpg", "secret/keep.gpg", "keep.gpg", "rootonly.gpg", "d/rootonly.gpg",
		"doc/x.gpg", "doc/1/2/x.gpg", "deep", "q/deep", "q/deep/f", "t/f", "t", "trail", "trail ", "esc ", "esc", "!bang", "bang",
		"#hash", "Up.gpg", "up.gpg", "n1.gpg", "nx.gpg", "ab/q/c", "ab/q/r/c", "sub/x.gpg", "sub/y.gpg", "sub/q/y.gpg", "sub/z",
		"sub/z/f.gpg", "sub/f", "sub/f.gpg", "a/keep", "a/b/f", "a/x/b/f", "ex.gpg", "globby.gpg", "d/globby.gpg"}}
	runIgnoreTrial(t, tr, false)
	runIgnoreTrial(t, tr, true)
}

// TestIgnoredLikeGitRandom compares ignored() with git check-ignore over
// generated ignore files (top, nested, info/exclude, the global file by
// default and by core.excludesFile) and paths; a fixed seed, so a failure
// reproduces.
func TestIgnoredLikeGitRandom(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewSource(20261123))
	n := 60
	if testing.Short() {
		n = 10
	}
	total, ignored := 0, 0
	for i := 0; i < n && !t.Failed(); i++ {
		tr := randomIgnoreTrial(r)
		ignored += runIgnoreTrial(t, tr, i%2 == 1)
		total += len(tr.paths)
	}
	if ignored < total/10 || ignored > total*9/10 {
		t.Errorf("%d of %d paths ignored: generator out of balance", ignored, total)
	}
	t.Logf("%d trials, %d paths, %d ignored, all as git check-ignore says", n, total, ignored)
}

// TestIgnoredSymlink: git does not read an in-tree .gitignore that is a
// symbolic link.
func TestIgnoredSymlink(t *testing.T) {
	t.Parallel()
	env := gitEnvFor(t, identEnv...)
	dir := filepath.Join(t.TempDir(), "s")
	gitIn(t, env, filepath.Dir(dir), "init", "-q", dir)
	writeFile(t, dir+"/real", "*.gpg\n")
	if err := os.Symlink("real", dir+"/.gitignore"); err != nil {
		t.Fatal(err)
	}
	s := Open(Options{Dir: dir, Env: env})
	r := workTreeAt(dir)
	want := checkIgnore(t, env, dir, []string{"a.gpg"})["a.gpg"]
	if got := r.ignored(s.loadConfig(r), "a.gpg"); got != want || got {
		t.Errorf("ignored through a symlinked .gitignore = %v, git says %v", got, want)
	}
}
