// Package gitconfig owns git's configuration file syntax: it reads a file
// such as .git/config or ~/.gitconfig into a sequence of entries exactly as
// git 2.39's config.c reads it. It replaces github.com/go-git/gcfg (and
// go-git's plumbing/format/config built on it), whose encoding/gob import
// costs every passotp process start-up time.
//
// # Syntax
//
// A file holds sections "[section]", "[section "subsection"]" (the
// subsection is case-sensitive and may escape any character with "\",
// usually \" and \\) and the legacy "[section.subsection]" (lower-cased).
// Section and key names are case-insensitive and returned lower-cased. A
// key starts with a letter and continues with letters, digits and "-". A
// key without "=" has no value (git's boolean true). Values have leading
// and trailing blanks removed; unquoted inner blanks (spaces, tabs, lone
// carriage returns) each become one space, as in git 2.39 (newer git keeps
// them verbatim); double quotes keep everything, "\n", "\t", "\b", "\"" and
// "\\" are the only escapes, and a "\" at the end of a line continues the
// value on the next one. "#" and ";" start a comment outside quotes. A
// UTF-8 byte order mark and CRLF line ends are accepted.
//
// # What it refuses
//
// Include directives are reported as ordinary entries; following them is
// the caller's business. A malformed file stops parsing with a
// [*SyntaxError] carrying git's line number ("bad config line N"); the
// entries before it have already been reported, as git reports them. One
// deliberate difference: git truncates a subsection at a NUL byte, which
// garbles the key; here a NUL in a section header is a syntax error.
package gitconfig

import (
	"fmt"
	"strings"
)

// Entry is one "key = value" line (or key without value) of a file.
type Entry struct {
	Section    string // lower-cased; "" for a key before any section header
	Subsection string // as written in [s "sub"]; lower-cased in legacy [s.sub]
	HasSub     bool   // a subsection was given, even an empty one
	Key        string // lower-cased
	Value      string // unquoted and unescaped; cut at a NUL byte, as git cuts it
	NoValue    bool   // written without "=": git's implicit true
	Line       int    // the line the value ends on (continuations count)
}

// Name is the entry's name as git config --list prints it:
// "section.key" or "section.subsection.key".
func (e Entry) Name() string {
	switch {
	case e.HasSub:
		return e.Section + "." + e.Subsection + "." + e.Key
	case e.Section == "":
		return e.Key
	}
	return e.Section + "." + e.Key
}

// SyntaxError is a malformed line. Line counts from 1, the way git counts
// it in "fatal: bad config line N in file F".
type SyntaxError struct {
	Line int
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("bad config line %d", e.Line) }

// Parse reads data in git's config syntax and calls fn for every entry in
// file order. It stops at the first error fn returns (and returns it) or at
// the first malformed line ([*SyntaxError]).
func Parse(data []byte, fn func(Entry) error) error {
	p := &parser{data: data, line: 1}
	return p.parse(fn)
}

type parser struct {
	data []byte
	pos  int
	line int
	eof  bool
}

// next is git's get_next_char: CRLF reads as LF, the end of the data
// reads as LF (and sets eof), and every LF counts a line.
func (p *parser) next() byte {
	if p.pos >= len(p.data) {
		p.eof = true
		p.line++
		return '\n'
	}
	c := p.data[p.pos]
	p.pos++
	if c == '\r' && p.pos < len(p.data) && p.data[p.pos] == '\n' {
		p.pos++
		c = '\n'
	}
	if c == '\n' {
		p.line++
	}
	return c
}

// isSpace is git's sane isspace: no \v or \f.
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isAlpha(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

func isKeyChar(c byte) bool { return isAlpha(c) || c >= '0' && c <= '9' || c == '-' }

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func (p *parser) bad() error { return &SyntaxError{Line: p.line} }

func (p *parser) parse(fn func(Entry) error) error {
	const bom = "\xef\xbb\xbf"
	bomAt := 0 // bytes of the BOM matched; -1 once past the start
	comment := false
	var sec, sub string
	hasSub := false
	for {
		c := p.next()
		if bomAt >= 0 && bomAt < len(bom) {
			if c == bom[bomAt] {
				bomAt++
				continue
			}
			if bomAt != 0 { // a partial BOM
				return p.bad()
			}
			bomAt = -1
		}
		if c == '\n' {
			if p.eof {
				return nil
			}
			comment = false
			continue
		}
		if comment || isSpace(c) {
			continue
		}
		if c == '#' || c == ';' {
			comment = true
			continue
		}
		if c == '[' {
			var ok bool
			sec, sub, hasSub, ok = p.header()
			if !ok {
				return p.bad()
			}
			continue
		}
		if !isAlpha(c) {
			return p.bad()
		}
		e, ok := p.entry(c)
		if !ok {
			return p.bad()
		}
		e.Section, e.Subsection, e.HasSub = sec, sub, hasSub
		if err := fn(e); err != nil {
			return err
		}
	}
}

// header reads what follows "[": git's get_base_var and
// get_extended_base_var.
func (p *parser) header() (sec, sub string, hasSub, ok bool) {
	var name []byte
	for {
		c := p.next()
		if p.eof {
			return "", "", false, false
		}
		if c == ']' {
			if len(name) == 0 {
				return "", "", false, false
			}
			// Legacy [section.sub]: everything lower-cased.
			s, u, dot := strings.Cut(string(name), ".")
			return s, u, dot, true
		}
		if isSpace(c) {
			s, ok := p.extended(c)
			return string(name), s, true, ok
		}
		if !isKeyChar(c) && c != '.' {
			return "", "", false, false
		}
		name = append(name, lower(c))
	}
}

// extended reads ` "subsection"]` after a section name; c is the blank
// that ended the name.
func (p *parser) extended(c byte) (string, bool) {
	for {
		if c == '\n' {
			p.line-- // git reports the incomplete line itself
			return "", false
		}
		c = p.next()
		if !isSpace(c) {
			break
		}
	}
	if c != '"' {
		return "", false
	}
	var sub []byte
	for {
		c := p.next()
		if c == '\n' {
			p.line--
			return "", false
		}
		if c == '"' {
			break
		}
		if c == '\\' {
			if c = p.next(); c == '\n' {
				p.line--
				return "", false
			}
		}
		if c == 0 {
			return "", false // git would cut the name here
		}
		sub = append(sub, c)
	}
	if p.next() != ']' {
		return "", false
	}
	return string(sub), true
}

// entry reads a key whose first letter is c, and its value: git's
// get_value.
func (p *parser) entry(c byte) (Entry, bool) {
	key := []byte{lower(c)}
	for {
		c = p.next()
		if p.eof || !isKeyChar(c) {
			break
		}
		key = append(key, lower(c))
	}
	for c == ' ' || c == '\t' {
		c = p.next()
	}
	e := Entry{Key: string(key), NoValue: true}
	if c != '\n' {
		if c != '=' {
			return e, false
		}
		v, ok := p.value()
		if !ok {
			return e, false
		}
		e.Value, e.NoValue = v, false
	}
	e.Line = p.line - 1
	return e, true
}

// value reads a value after "=" up to and including the end of its line:
// git 2.39's parse_value.
func (p *parser) value() (string, bool) {
	var v []byte
	quote, comment := false, false
	space := 0
	for {
		c := p.next()
		if c == '\n' {
			if quote {
				p.line--
				return "", false
			}
			if i := indexNUL(v); i >= 0 {
				v = v[:i]
			}
			return string(v), true
		}
		if comment {
			continue
		}
		if isSpace(c) && !quote {
			if len(v) > 0 {
				space++
			}
			continue
		}
		if !quote && (c == ';' || c == '#') {
			comment = true
			continue
		}
		for ; space > 0; space-- {
			v = append(v, ' ')
		}
		switch c {
		case '\\':
			switch c = p.next(); c {
			case '\n':
				continue
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'n':
				c = '\n'
			case '\\', '"':
			default:
				return "", false
			}
		case '"':
			quote = !quote
			continue
		}
		v = append(v, c)
	}
}

func indexNUL(b []byte) int {
	for i, c := range b {
		if c == 0 {
			return i
		}
	}
	return -1
}
