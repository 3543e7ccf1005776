package passstore

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/format/gitignore"
)

// ErrIgnored means the entry is not tracked and a gitignore pattern
// excludes it, so `git add` (and therefore pass) refuses to stage it.
var ErrIgnored = errors.New("the path is ignored by one of your .gitignore files")

// ignored reports whether git add would refuse rel (slash-separated, in
// the work tree) as ignored: core.excludesFile, .git/info/exclude and the
// .gitignore files from the top of the work tree down to rel's directory,
// later ones taking precedence; a path below an excluded directory is
// excluded. Only the .gitignore files on the path are read.
func (r *repo) ignored(cfg *gitConfig, rel string) bool {
	var ps []gitignore.Pattern
	read := func(path string, domain []string) {
		b, err := os.ReadFile(path)
		if err != nil {
			return
		}
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			line := strings.TrimSuffix(sc.Text(), "\r")
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			ps = append(ps, gitignore.ParsePattern(line, domain))
		}
	}
	ex := cfg.get("core.excludesfile")
	if ex == "" {
		if xdg := cfg.xdg; xdg != "" {
			ex = filepath.Join(xdg, "git", "ignore")
		}
	}
	if ex != "" {
		read(expandHome(ex, cfg.home), nil)
	}
	read(filepath.Join(r.common, "info", "exclude"), nil)
	parts := strings.Split(rel, "/")
	for i := 0; i < len(parts); i++ {
		read(filepath.Join(r.workTree, filepath.Join(parts[:i]...), ".gitignore"), parts[:i])
	}
	if len(ps) == 0 {
		return false
	}
	m := gitignore.NewMatcher(ps)
	for i := 1; i < len(parts); i++ {
		if m.Match(parts[:i], true) {
			return true
		}
	}
	return m.Match(parts, false)
}
