package passstore

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/passotp/passotp/internal/gitignore"
)

// ErrIgnored means the entry is not tracked and a gitignore pattern
// excludes it, so `git add` (and therefore pass) refuses to stage it.
var ErrIgnored = errors.New("the path is ignored by one of your .gitignore files")

// ignored reports whether git add would refuse rel (slash-separated, in
// the work tree) as ignored, as git's dir.c decides: core.excludesFile,
// .git/info/exclude and the .gitignore files from the top of the work tree
// down to rel's directory, later ones taking precedence. Each directory on
// the way is checked before its own .gitignore is read, and a path below
// an excluded directory is excluded (it cannot be re-included). In-tree
// .gitignore files that are symbolic links are not read, as git refuses
// them. Only the .gitignore files on the path are read.
func (r *repo) ignored(cfg *gitConfig, rel string) bool {
	var l gitignore.List
	read := func(path, base string, inTree bool) {
		if inTree {
			if fi, err := os.Lstat(path); err != nil || fi.Mode()&fs.ModeSymlink != 0 {
				return
			}
		}
		if b, err := os.ReadFile(path); err == nil {
			l = append(l, gitignore.Parse(b, base)...)
		}
	}
	ex := cfg.get("core.excludesfile")
	if ex == "" {
		if xdg := cfg.xdg; xdg != "" {
			ex = filepath.Join(xdg, "git", "ignore")
		}
	}
	if ex != "" {
		read(expandHome(ex, cfg.home), "", false)
	}
	read(filepath.Join(r.common, "info", "exclude"), "", false)
	read(filepath.Join(r.workTree, ".gitignore"), "", true)
	for i := strings.IndexByte(rel, '/'); i >= 0; i = nextSlash(rel, i) {
		dir := rel[:i]
		if l.Excluded(dir, true) {
			return true
		}
		read(filepath.Join(r.workTree, filepath.FromSlash(dir), ".gitignore"), dir+"/", true)
	}
	return l.Excluded(rel, false)
}

// nextSlash is the index of the next "/" in s after i, or -1.
func nextSlash(s string, i int) int {
	if j := strings.IndexByte(s[i+1:], '/'); j >= 0 {
		return i + 1 + j
	}
	return -1
}

// filterAttrs are the gitattributes that make git add store something
// other than the file's bytes.
var filterAttrs = map[string]bool{"filter": true, "text": true, "eol": true, "crlf": true, "ident": true, "working-tree-encoding": true}

// needsFilters reports whether an attributes file that could apply to rel
// sets a content-changing attribute (filter, text, eol, crlf, ident,
// working-tree-encoding); the git binary then stages the file. Patterns
// are not matched: any such attribute in core.attributesFile,
// info/attributes or a .gitattributes on rel's path counts. gopass's
// "*.gpg diff=gpg" does not.
func (r *repo) needsFilters(cfg *gitConfig, rel string) bool {
	var files []string
	af := cfg.get("core.attributesfile")
	if af == "" && cfg.xdg != "" {
		af = filepath.Join(cfg.xdg, "git", "attributes")
	}
	if af != "" {
		files = append(files, expandHome(af, cfg.home))
	}
	files = append(files, filepath.Join(r.common, "info", "attributes"))
	parts := strings.Split(rel, "/")
	for i := 0; i < len(parts); i++ {
		files = append(files, filepath.Join(r.workTree, filepath.Join(parts[:i]...), ".gitattributes"))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n") {
			fields := strings.Fields(line)
			if len(fields) < 2 || strings.HasPrefix(fields[0], "#") {
				continue
			}
			for _, a := range fields[1:] {
				if strings.HasPrefix(a, "-") || strings.HasPrefix(a, "!") {
					continue
				}
				name, _, _ := strings.Cut(a, "=")
				if filterAttrs[name] {
					return true
				}
			}
		}
	}
	return false
}
