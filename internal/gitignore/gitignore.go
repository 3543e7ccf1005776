// Package gitignore owns gitignore(5) pattern syntax and git's wildmatch:
// it parses the lines of a .gitignore (or info/exclude, core.excludesFile)
// and matches slash-separated paths as git 2.39's dir.c and wildmatch.c
// do. It replaces go-git's plumbing/format/gitignore, which imports
// go-git's plumbing/format/config and through it gcfg and encoding/gob,
// whose initialisation costs every passotp process start-up time.
//
// Finding the files, their order, and the rule that a path below an
// excluded directory cannot be re-included are the caller's part: see
// [List.Match] and [List.Excluded]. Case-insensitive matching
// (core.ignoreCase) is not supported.
package gitignore

import "strings"

// Pattern is one parsed gitignore line.
type Pattern struct {
	pattern  string // without "!" and the trailing "/"
	base     string // directory of the file it came from: "" or "dir/sub/"
	prefix   int    // length of the leading part without glob characters
	negative bool   // "!pattern": re-include
	mustDir  bool   // "pattern/": directories only
	noDir    bool   // no "/" inside: matches the base name at any depth
}

// Negative reports a "!" pattern, which re-includes what it matches.
func (p *Pattern) Negative() bool { return p.negative }

// Parse reads the lines of an ignore file whose directory is base (""
// for the top of the work tree, else "dir/" relative to it, ending in
// "/"), as git's add_patterns_from_buffer: a UTF-8 BOM is skipped, blank
// lines and lines starting with "#" are ignored, CRLF is accepted and
// unescaped trailing spaces are dropped.
func Parse(data []byte, base string) []*Pattern {
	s := strings.TrimPrefix(string(data), "\xef\xbb\xbf")
	var ps []*Pattern
	for len(s) > 0 {
		// git adds a missing final newline, so a last "\r" goes too.
		line, rest, _ := strings.Cut(s, "\n")
		s = rest
		line = strings.TrimSuffix(line, "\r")
		if line == "" || line[0] == '#' {
			continue
		}
		ps = append(ps, ParsePattern(trimTrailingSpaces(line), base))
	}
	return ps
}

// trimTrailingSpaces is git's trim_trailing_spaces: trailing spaces go
// unless escaped with "\".
func trimTrailingSpaces(s string) string {
	last := -1
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ':
			if last < 0 {
				last = i
			}
		case '\\':
			i++
			if i == len(s) {
				return s
			}
			last = -1
		default:
			last = -1
		}
	}
	if last >= 0 {
		return s[:last]
	}
	return s
}

// ParsePattern parses one line (already trimmed, not a comment) from the
// ignore file of directory base: git's parse_path_pattern.
func ParsePattern(line, base string) *Pattern {
	p := &Pattern{base: base}
	if strings.HasPrefix(line, "!") {
		p.negative = true
		line = line[1:]
	}
	if strings.HasSuffix(line, "/") {
		p.mustDir = true
		line = line[:len(line)-1]
	}
	p.noDir = !strings.Contains(line, "/")
	p.pattern = line
	p.prefix = simpleLength(line)
	return p
}

func isGlobSpecial(c byte) bool { return c == '*' || c == '?' || c == '[' || c == '\\' }

func simpleLength(s string) int {
	for i := 0; i < len(s); i++ {
		if isGlobSpecial(s[i]) {
			return i
		}
	}
	return len(s)
}

// Match reports whether the pattern matches path (slash-separated,
// relative to the top of the work tree); isDir says path is a directory.
// The "!" is not applied: see [Pattern.Negative].
func (p *Pattern) Match(path string, isDir bool) bool {
	if p.mustDir && !isDir {
		return false
	}
	if p.noDir {
		base := path[strings.LastIndexByte(path, '/')+1:]
		return wildmatch(p.pattern, base, false)
	}
	return p.matchPathname(path)
}

// matchPathname is git's match_pathname.
func (p *Pattern) matchPathname(path string) bool {
	pat, prefix := p.pattern, p.prefix
	if strings.HasPrefix(pat, "/") {
		pat, prefix = pat[1:], prefix-1
	}
	baselen := len(p.base)
	if baselen > 0 {
		baselen-- // without its slash
	}
	if len(path) < baselen+1 || baselen > 0 && path[baselen] != '/' || path[:baselen] != p.base[:baselen] {
		return false
	}
	name := path
	if baselen > 0 {
		name = path[baselen+1:]
	}
	if prefix > 0 {
		if prefix > len(name) || pat[:prefix] != name[:prefix] {
			return false
		}
		pat, name = pat[prefix:], name[prefix:]
		if pat == "" && name == "" {
			return true
		}
	}
	return wildmatch(pat, name, true)
}

// List is the patterns that apply to a path, in precedence order: the
// last matching pattern decides.
type List []*Pattern

// Match returns the last pattern that matches path, or nil.
func (l List) Match(path string, isDir bool) *Pattern {
	for i := len(l) - 1; i >= 0; i-- {
		if l[i].Match(path, isDir) {
			return l[i]
		}
	}
	return nil
}

// Excluded reports whether the last matching pattern excludes path.
func (l List) Excluded(path string, isDir bool) bool {
	p := l.Match(path, isDir)
	return p != nil && !p.negative
}
